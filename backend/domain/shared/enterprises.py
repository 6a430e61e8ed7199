"""Reading the roster. Every query that returns enterprise data goes through `visible_enterprises`,
the one place that will scope by the current user once accounts exist."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.db.tables import Enterprise
from backend.domain.shared.sorting import SortKey
from backend.rules.cohorts import Cohort, cohort_of

ENTERPRISE_COLUMNS = (
    Enterprise.id,
    Enterprise.name,
    Enterprise.short_name,
    Enterprise.credit_code,
    Enterprise.parent,
    Enterprise.group_id,
    Enterprise.path,
    Enterprise.tier,
    Enterprise.upgraded_mgmt,
    Enterprise.has_general_counsel,
    Enterprise.contact_name,
    Enterprise.contact_phone,
    Enterprise.contact_email,
    Enterprise.active,
)


@dataclass(frozen=True, slots=True)
class EnterpriseRow:
    id: int
    name: str
    short_name: str
    credit_code: str
    parent_id: int | None
    group_id: int
    path: str
    tier: int
    upgraded_mgmt: bool
    has_general_counsel: bool
    contact_name: str
    contact_phone: str
    contact_email: str
    active: bool

    @property
    def cohort(self) -> Cohort:
        return cohort_of(has_parent=self.parent_id is not None, upgraded_mgmt=self.upgraded_mgmt)

    @property
    def depth(self) -> int:
        return max(0, self.path.strip("/").count("/"))

    def to_api(self) -> EnterpriseOut:
        return EnterpriseOut(
            id=self.id,
            name=self.name,
            short_name=self.short_name,
            credit_code=self.credit_code,
            tier=self.tier,
            upgraded_management=self.upgraded_mgmt,
            has_general_counsel=self.has_general_counsel,
            parent_id=self.parent_id,
            group_id=self.group_id,
            cohort=self.cohort.value,
            active=self.active,
        )


class EnterpriseOut(msgspec.Struct, kw_only=True):
    """An enterprise as the API shows it (GET /api/v1/enterprises, the board's rows)."""

    id: int
    name: str
    short_name: str
    credit_code: str  # 统一社会信用代码
    tier: int  # 1 = 集团, 2 = 二级子企业 …
    upgraded_management: bool  # 提级管理
    has_general_counsel: bool  # 设总法律顾问
    parent_id: int | None
    group_id: int
    cohort: str  # UPG7 | T1 | SUB
    active: bool


def _row(record: dict[str, Any]) -> EnterpriseRow:
    return EnterpriseRow(
        id=record["id"],
        name=record["name"],
        short_name=record["short_name"],
        credit_code=record["credit_code"],
        parent_id=record["parent"],
        group_id=record["group_id"] or record["id"],
        path=record["path"],
        tier=record["tier"],
        upgraded_mgmt=bool(record["upgraded_mgmt"]),
        has_general_counsel=bool(record["has_general_counsel"]),
        contact_name=record["contact_name"],
        contact_phone=record["contact_phone"],
        contact_email=record["contact_email"],
        active=bool(record["active"]),
    )


async def visible_enterprises(
    scope: int | None = None, *, include_inactive: bool = False
) -> list[EnterpriseRow]:
    """The roster as the user may see it: everything (scope None, SASAC roles) or one
    group's tree (the group id an enterprise account belongs to)."""
    query = Enterprise.select(*ENTERPRISE_COLUMNS)
    if scope is not None:
        query = query.where((Enterprise.group_id == scope) | (Enterprise.id == scope))
    if not include_inactive:
        query = query.where(Enterprise.active == True)  # noqa: E712 (a column expression)
    rows = [_row(r) for r in await query]
    return sorted(rows, key=_sort_key(rows))


def _sort_key(rows: list[EnterpriseRow]) -> Callable[[EnterpriseRow], tuple[int, str]]:
    return sort_key({r.id for r in rows if r.upgraded_mgmt and r.parent_id is None})


def sort_key(upgraded_groups: set[int]) -> Callable[[EnterpriseRow], tuple[int, str]]:
    """The board's order: upgraded-management groups first, then each group's tree by path."""

    def key(row: EnterpriseRow) -> tuple[int, str]:
        return (0 if row.group_id in upgraded_groups else 1, _padded(row.path))

    return key


def _padded(path: str) -> str:
    # Compare paths numerically ("/10/" after "/9/") so a subtree stays under its group.
    return "/".join(part.zfill(9) for part in path.split("/"))


async def get_enterprise(enterprise_id: int, scope: int | None = None) -> EnterpriseRow | None:
    """One enterprise, or None when it does not exist or lies outside the user's scope (the
    caller answers 404 either way, so existence does not leak)."""
    record = (
        await Enterprise.select(*ENTERPRISE_COLUMNS).where(Enterprise.id == enterprise_id).first()
    )
    if record is None:
        return None
    row = _row(record)
    return row if scope is None or row.group_id == scope else None


def _fold(text: str) -> str:
    # Full-width letters, digits and brackets as people type them: （示例） and (示例) are one.
    return unicodedata.normalize("NFKC", text).upper()


def matches_query(row: EnterpriseRow, q: str) -> bool:
    """Every word of the query appears in the name, the short name or the credit code."""
    haystack = _fold(f"{row.name} {row.short_name} {row.credit_code}")
    return all(word in haystack for word in _fold(q).split())


# The roster's sortable columns (企业名录, 企业管理); without a sort a roster keeps its own order
# (groups, each followed by its subsidiaries).
ENTERPRISE_SORT: dict[str, SortKey] = {
    "name": lambda e: e.name,
    "credit_code": lambda e: e.credit_code,
    "cohort": lambda e: list(Cohort).index(e.cohort),
    "tier": lambda e: e.tier,
    "counsel": lambda e: e.has_general_counsel,
    "active": lambda e: not e.active,
}
