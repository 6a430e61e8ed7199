"""The three-lists API's answers as typed structs (the OpenAPI schema shows every field)."""

from __future__ import annotations

import datetime as dt

import msgspec


class CellErrorOut(msgspec.Struct, kw_only=True):
    sheet: str  # the sheet's name, e.g. 违规风险清单
    row: int  # the Excel row number (1 = header)
    column: str  # the column header; "" for the whole row or sheet
    message: str


class RowOut(msgspec.Struct, kw_only=True):
    sheet: str  # the sheet's name
    row: int
    column: str  # the column at fault, "" when the whole row is concerned


class CheckOut(msgspec.Struct, kw_only=True):
    code: str  # domain_coverage | link_coverage | review_nodes | integrity | …
    name: str  # the check's Chinese name
    result: str  # pass | warn | fail
    result_label: str  # 通过 | 提示 | 不通过
    detail: str
    rows: list[RowOut]


class ImportOut(msgspec.Struct, kw_only=True):
    version: int | None  # the stored version; null on a dry run or when there are errors
    errors: list[CellErrorOut]
    checks: list[CheckOut]  # with errors: run on the rows that could be read


class RiskOut(msgspec.Struct, kw_only=True):
    row: int
    seq: int
    domain: str
    activity: str
    risk_point: str
    description: str
    basis: str
    consequences: list[str]
    likelihood: int
    impact: int
    level: str  # 高 | 中 | 低
    measures: str
    plan: str
    dept: str
    position: str
    link: str
    alert: bool
    scope: str
    updated_on: dt.date | None


class PostOut(msgspec.Struct, kw_only=True):
    row: int
    seq: int
    dept: str
    position: str
    category: str
    duties: str
    domains: list[str]
    risk_refs: list[int]
    compliance_duties: str
    red_lines: str
    basis: str
    headcount: int | None
    updated_on: dt.date | None


class NodeOut(msgspec.Struct, kw_only=True):
    row: int
    seq: int
    link: str
    process: str
    node: str
    key_matter: str
    risk_refs: list[int]
    controls: str
    review_required: bool
    review_matter: str  # 规章制度制定 | 重大事项决策 | 重要合同签订 | 重大项目投资运营 | ""
    owner_dept: str
    exec_dept: str
    supervise_dept: str
    output: str
    in_system: bool
    updated_on: dt.date | None


class ExemptionOut(msgspec.Struct, kw_only=True):
    row: int
    domain: str
    reason: str


class VersionOut(msgspec.Struct, kw_only=True):
    version: int
    uploaded_at: dt.datetime
    source_name: str
    risk_count: int
    post_count: int
    node_count: int
    result: str  # the worst check result: pass | warn | fail


class ListsOut(msgspec.Struct, kw_only=True):
    enterprise_id: int
    enterprise_name: str
    version: int
    uploaded_at: dt.datetime
    approved_by: str
    approved_on: dt.date | None
    effective_from: dt.date | None
    has_overseas: bool
    checks: list[CheckOut]
    risks: list[RiskOut]
    posts: list[PostOut]
    nodes: list[NodeOut]
    exemptions: list[ExemptionOut]
    versions: list[VersionOut]  # every version, newest first


class CoverageRowOut(msgspec.Struct, kw_only=True):
    enterprise_id: int
    enterprise_name: str
    cohort: str  # UPG7 | T1 | SUB
    version: int | None  # None: no lists imported yet
    counts: dict[str, int]  # risk items per domain
    not_applicable: list[str]  # domains marked 不适用
    gaps: list[str]  # domains neither covered nor marked 不适用
    result: str  # worst check result, "" without lists


class CoverageOut(msgspec.Struct, kw_only=True):
    domains: list[str]
    items: list[CoverageRowOut]
    total: int


class RiskHitOut(msgspec.Struct, kw_only=True):
    enterprise_id: int
    enterprise_name: str
    version: int
    seq: int
    domain: str
    risk_point: str
    level: str
    measures: str
    dept: str


class RiskSearchOut(msgspec.Struct, kw_only=True):
    items: list[RiskHitOut]
    total: int
