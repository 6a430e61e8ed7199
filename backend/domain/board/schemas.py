"""The board's JSON (GET /api/v1/board) as typed structs: the OpenAPI schema shows each field."""

from __future__ import annotations

import msgspec

from backend.domain.shared.enterprises import EnterpriseOut


class BoardCellOut(msgspec.Struct, kw_only=True):
    obligation_id: int
    status: str  # a cell status code (rules/cell_status.Status)
    due_on: str  # YYYY-MM-DD, after any extension in force
    submitted_at: str | None  # ISO 8601 with offset, first delivery counted
    days_late: int
    covered_by: int | None  # the group whose delivery covers this subsidiary, if any


class BoardRowOut(msgspec.Struct, kw_only=True):
    enterprise: EnterpriseOut
    cells: list[BoardCellOut]


class BoardObligationOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    title: str
    short_title: str  # as under the code in the board's column header
    due_on: str  # YYYY-MM-DD
    year: int | None
    applies_to: str
    counts: dict[str, int]  # cells per status code


class BoardOut(msgspec.Struct, kw_only=True):
    as_of: str  # YYYY-MM-DD
    programme_id: int | None
    total: int  # enterprises matching the filters (all pages)
    total_groups: int
    page: int
    page_size: int
    # Per status code, the enterprises owing at least one item in it, whatever the status filter;
    # a group's 全级次 item counts once, not once per subsidiary row.
    owing: dict[str, int]
    obligations: list[BoardObligationOut]
    rows: list[BoardRowOut]
