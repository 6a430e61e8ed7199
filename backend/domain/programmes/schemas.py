"""The programme API's answers as typed structs (the OpenAPI schema shows every field)."""

from __future__ import annotations

import datetime as dt

import msgspec


class PhaseOut(msgspec.Struct, kw_only=True):
    code: str
    name: str
    start: str  # YYYY-MM-DD
    end: str
    clause: str = ""


class ProgrammeOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    title: str
    doc_no: str  # 发文字号
    issuer: str
    issued_on: dt.date | None
    period_start: dt.date
    period_end: dt.date
    phases: list[PhaseOut]


class ProgrammeListOut(msgspec.Struct, kw_only=True):
    items: list[ProgrammeOut]
    total: int


class ObligationOut(msgspec.Struct, kw_only=True):
    id: int
    programme_id: int
    code: str
    title: str
    short_title: str  # a few characters, as under the code in a board column header
    description: str
    clause: str
    phase: str
    applies_to: str
    recurrence: str
    year: int | None
    due_on: str  # YYYY-MM-DD
    due_note: str
    deliverables: list[str]
    weight: float


class ObligationPageOut(msgspec.Struct, kw_only=True):
    items: list[ObligationOut]
    total: int
    page: int
    page_size: int
