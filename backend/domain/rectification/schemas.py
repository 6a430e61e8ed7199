"""The 整改台账 API's answers and bodies as typed structs (GET/POST /api/v1/findings, …)."""

from __future__ import annotations

import msgspec


class FindingOut(msgspec.Struct, kw_only=True):
    id: int
    source: str  # FindingSource code
    source_label: str  # 问题来源
    inspection_id: int | None
    inspection_name: str | None
    enterprise_id: int
    enterprise_name: str
    group_id: int
    domain: str  # 问题类别: one of the 17 key domains
    key_link: str
    description: str
    severity: str
    severity_label: str  # 一般 / 较重 / 重大
    cause: str
    measures: str
    rectification_type: str
    type_label: str  # 立行立改 / 限期整改 / 长期坚持
    owner_unit: str
    owner_name: str
    deadline: str  # 整改时限 YYYY-MM-DD
    status: str
    status_label: str  # 整改状态 as of the instant
    overdue: bool
    raised_at: str
    closed_at: str | None  # 销号
    checker_name: str  # 核验人
    rules_made: str
    accountability: str
    remark: str


class FindingEventOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    kind_label: str
    at: str
    by: str
    note: str
    files: list[str]


class FindingDetailOut(FindingOut, kw_only=True):
    history: list[FindingEventOut]


class FindingPageOut(msgspec.Struct, kw_only=True):
    items: list[FindingOut]
    total: int
    counts: dict[str, int]  # per status code, plus overdue_any and all


class InspectionOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    kind_label: str
    name: str
    year: int
    started_on: str
    ended_on: str
    team: str
    enterprise_ids: list[int]
    finding_count: int


class InspectionPageOut(msgspec.Struct, kw_only=True):
    items: list[InspectionOut]
    total: int


class CreatedOut(msgspec.Struct, kw_only=True):
    id: int


class ProgressOut(msgspec.Struct, kw_only=True):
    finding_id: int
    event_id: int
    status: str
    status_label: str
