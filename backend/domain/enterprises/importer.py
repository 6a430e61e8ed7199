"""Importing the roster workbook: all rows or none, inside one write transaction.

Enterprises are matched by credit code, created or updated, never deleted. When an enterprise
gets a new parent, the path, group and tier of its whole subtree are recomputed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.db.tables import Enterprise
from backend.db.transactions import write_transaction
from backend.domain.enterprises.roster import (
    ExistingEnterprise,
    RosterError,
    RosterPlan,
    RowError,
    read_roster,
    validate_roster,
)
from backend.lib import timeutil

_COLUMNS = {
    "name": Enterprise.name,
    "tier": Enterprise.tier,
    "upgraded_mgmt": Enterprise.upgraded_mgmt,
    "has_general_counsel": Enterprise.has_general_counsel,
    "active": Enterprise.active,
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


async def _load() -> dict[int, dict[str, Any]]:
    rows = await Enterprise.select(
        Enterprise.id,
        Enterprise.name,
        Enterprise.credit_code,
        Enterprise.parent,
        Enterprise.group_id,
        Enterprise.path,
        Enterprise.tier,
        Enterprise.upgraded_mgmt,
        Enterprise.has_general_counsel,
        Enterprise.active,
    )
    return {r["id"]: r for r in rows}


def _existing(stored: dict[int, dict[str, Any]]) -> dict[str, ExistingEnterprise]:
    code_of = {i: r["credit_code"] for i, r in stored.items()}
    return {
        r["credit_code"]: ExistingEnterprise(
            id=r["id"],
            name=r["name"],
            parent_code=code_of.get(r["parent"]) if r["parent"] is not None else None,
            tier=r["tier"],
            upgraded=bool(r["upgraded_mgmt"]),
            gc=bool(r["has_general_counsel"]),
            active=bool(r["active"]),
        )
        for r in stored.values()
    }


def _report(plan: RosterPlan) -> ImportReport:
    if plan.errors:
        return ImportReport(0, 0, 0, plan.errors)
    return ImportReport(len(plan.creates), len(plan.updates), plan.unchanged, [])


async def import_roster(data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Validate the whole workbook; write it only if no row has an error (and not a dry run).

    Raises RosterError when the file is not a workbook or has no header row."""
    rows = read_roster(data)
    if not rows:
        raise RosterError("文件中没有数据行：请在表头下逐行填写企业信息后再导入。")
    if dry_run:
        return _report(validate_roster(rows, _existing(await _load())))
    async with write_transaction():
        # Read inside the transaction, so the plan is made against what it will change.
        stored = await _load()
        plan = validate_roster(rows, _existing(stored))
        if not plan.errors:
            await _apply(plan, stored)
    return _report(plan)


async def _apply(plan: RosterPlan, stored: dict[int, dict[str, Any]]) -> None:
    id_of = {r["credit_code"]: i for i, r in stored.items()}
    parent_of: dict[int, int | None] = {i: r["parent"] for i, r in stored.items()}
    moved: set[int] = set()
    for create in plan.creates:  # parents come first
        parent = id_of[create.parent_code] if create.parent_code else None
        inserted = await Enterprise.insert(
            Enterprise(
                name=create.name,
                credit_code=create.credit_code,
                parent=parent,
                tier=create.tier,
                upgraded_mgmt=create.upgraded,
                has_general_counsel=create.gc,
            )
        ).returning(Enterprise.id)
        new_id = inserted[0]["id"]
        id_of[create.credit_code], parent_of[new_id] = new_id, parent
        moved.add(new_id)
    now = timeutil.now()
    for update in plan.updates:
        values: dict[Any, Any] = {Enterprise.updated_at: now}
        for key, value in update.changes.items():
            if key == "parent_code":
                parent_of[update.id] = values[Enterprise.parent] = id_of[value] if value else None
                moved.add(update.id)
            else:
                values[_COLUMNS[key]] = value
        await Enterprise.update(values).where(Enterprise.id == update.id)
    await _repath(moved, parent_of, stored)


async def _repath(
    moved: set[int], parent_of: dict[int, int | None], stored: dict[int, dict[str, Any]]
) -> None:
    """Set path, group_id and tier for the new and moved enterprises and all their descendants."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    affected, queue = set(moved), list(moved)
    while queue:
        for child in children.get(queue.pop(), []):
            if child not in affected:
                affected.add(child)
                queue.append(child)

    paths: dict[int, str] = {}

    def path_of(node: int) -> str:
        if node not in paths:
            parent = parent_of[node]
            paths[node] = f"{'/' if parent is None else path_of(parent)}{node}/"
        return paths[node]

    for node in sorted(affected, key=lambda n: path_of(n).count("/")):
        path = path_of(node)
        ids = path.strip("/").split("/")
        group_id, tier = int(ids[0]), len(ids)
        old = stored.get(node, {})
        if (old.get("path"), old.get("group_id"), old.get("tier")) == (path, group_id, tier):
            continue
        await Enterprise.update(
            {Enterprise.path: path, Enterprise.group_id: group_id, Enterprise.tier: tier}
        ).where(Enterprise.id == node)
