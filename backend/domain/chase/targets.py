"""Whom a 催报 reaches: the cells named (one cell, an obligation's late enterprises, or the board's
filter), each resolved to the enterprise that reports it and that group's enterprise accounts.

A subsidiary's 全级次 cell is its group's deliverable, so chasing it chases the group; a cell
named twice (a group and its subsidiaries on the same duty) is chased once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from backend.db.tables import Account, Obligation
from backend.domain.board.facts import load_facts
from backend.domain.board.service import (
    OBLIGATION_COLUMNS,
    BoardQuery,
    CellComputer,
    Column,
    build_board,
)
from backend.domain.errors import Invalid, NotFound
from backend.domain.shared.enterprises import EnterpriseRow, visible_enterprises
from backend.lib.timeutil import end_of_day
from backend.rules.cell_status import CellState, Status
from backend.rules.chase import MAX_CELLS, bulk_targets, is_chaseable
from backend.rules.cohorts import covered_by_group, has_cell
from backend.security.policy import ENTERPRISE_ROLES


@dataclass(frozen=True, slots=True)
class Recipient:
    id: int
    name: str  # the account's display name
    username: str


@dataclass(frozen=True)
class Target:
    enterprise: EnterpriseRow  # the enterprise that reports the cell
    column: Column
    state: CellState
    recipients: tuple[Recipient, ...]

    @property
    def key(self) -> tuple[int, int]:
        return (self.enterprise.id, self.column.id)


async def recipients_of(group_ids: set[int]) -> dict[int, list[Recipient]]:
    """The active enterprise accounts of each group (accounts of its subsidiaries included)."""
    if not group_ids:
        return {}
    rows = await Account.select(
        Account.id,
        Account.display_name,
        Account.username,
        Account.enterprise.group_id.as_alias("group_id"),
        Account.enterprise.as_alias("enterprise"),
    ).where(
        Account.active == True,  # noqa: E712 (a column expression)
        Account.role.is_in([r.value for r in ENTERPRISE_ROLES]),
        Account.enterprise.is_not_null(),
    )
    found: dict[int, list[Recipient]] = {}
    for r in rows:
        group = r["group_id"] or r["enterprise"]
        if group in group_ids:
            found.setdefault(group, []).append(
                Recipient(r["id"], r["display_name"] or r["username"], r["username"])
            )
    return found


def _column(row: dict[str, Any]) -> Column:
    return Column(
        row["id"],
        row["code"],
        row["title"],
        row["clause"],
        row["phase"],
        row["applies_to"],
        row["due_year"],
        row["due_on"],
        row["due_note"],
    )


async def resolve(
    pairs: list[tuple[int, int]], as_of_day: dt.date, window: int, *, strict: bool
) -> list[Target]:
    """The chaseable cells among (enterprise, obligation) pairs, each once, as of a day.

    strict: an unknown enterprise or obligation, a pair without a cell, or a cell with nothing
    owed is refused with a message naming it (the API); otherwise those are left out (the page,
    where a cell may have been delivered between the preview and the send)."""
    if len(pairs) > MAX_CELLS:
        raise Invalid(f"一次最多催报 {MAX_CELLS} 项，请缩小范围后重试。")
    enterprises = {e.id: e for e in await visible_enterprises()}
    obligation_ids = sorted({o for _, o in pairs})
    columns = {
        r["id"]: _column(r)
        for r in await Obligation.select(*OBLIGATION_COLUMNS).where(
            Obligation.id.is_in(obligation_ids or [0]),
            Obligation.active == True,  # noqa: E712
        )
    }
    owners: dict[tuple[int, int], EnterpriseRow] = {}
    for enterprise_id, obligation_id in pairs:
        enterprise, column = enterprises.get(enterprise_id), columns.get(obligation_id)
        if column is None:
            if strict:
                raise NotFound("未找到该节点任务。")
            continue
        if enterprise is None or not has_cell(column.applies_to, enterprise.cohort):
            if strict:
                raise Invalid(f"企业编号 {enterprise_id} 不承担该节点任务，无法催报。")
            continue
        owner = enterprise
        if covered_by_group(column.applies_to, enterprise.cohort):
            owner = enterprises.get(enterprise.group_id, enterprise)
        owners[(owner.id, obligation_id)] = owner
    as_of = end_of_day(as_of_day)
    reporters = sorted({e for e, _ in owners})
    facts = await load_facts(obligation_ids, as_of, reporters or [0])
    computer = CellComputer(facts, as_of, window)
    people = await recipients_of({owner.group_id for owner in owners.values()})
    found: list[Target] = []
    refused: list[str] = []
    for (_, obligation_id), owner in owners.items():
        column = columns[obligation_id]
        state = computer.state(owner.id, column)
        if not is_chaseable(state):
            refused.append(f"{owner.name}（{state.status.label}）")
            continue
        found.append(Target(owner, column, state, tuple(people.get(owner.group_id, []))))
    if strict and refused:
        raise Invalid("以下企业的该项任务无需催报：" + "、".join(refused[:10]) + "。")
    return sorted(found, key=lambda t: (t.column.due_on, t.column.code, t.enterprise.path))


async def pairs_from_board(
    query: BoardQuery, window: int, obligation_id: int | None = None
) -> list[tuple[int, int]]:
    """The cells the board's filter shows in the statuses a bulk chase reaches (all pages),
    optionally on one obligation only."""
    board = await build_board(replace(query, page=1, page_size=0), window)
    wanted: set[Status] = set(bulk_targets(query.status))
    pairs: dict[tuple[int, int], None] = {}
    for row in board.rows:
        for column_id, cell in row.cells.items():
            if obligation_id is not None and column_id != obligation_id:
                continue
            if cell.state.status in wanted:
                pairs[(cell.covered_by or row.enterprise.id, column_id)] = None
    return list(pairs)
