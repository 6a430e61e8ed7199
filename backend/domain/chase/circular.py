"""通报: what is overdue or returned for changes as of a date, grouped by obligation and then
enterprise, with the days late (calendar days, as on the board) and the 催报 sent by then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backend.domain.board.service import BoardQuery, build_board
from backend.domain.errors import NotFound
from backend.domain.shared.chases import chase_events, tally
from backend.lib.timeutil import end_of_day
from backend.rules.cell_status import Status
from backend.rules.chase import CIRCULAR_STATUSES, days_late


@dataclass(frozen=True, slots=True)
class CircularRow:
    enterprise: str
    credit_code: str
    status: str  # the Chinese label
    days_late: int  # calendar days past the due date (overdue); how late v1 came (returned)
    chases: int  # 催报 sent up to the as-of date


@dataclass
class CircularGroup:
    code: str
    title: str
    year: int
    clause: str
    due_on: dt.date
    rows: list[CircularRow] = field(default_factory=list)


@dataclass
class Circular:
    as_of: dt.date
    programme: dict[str, Any]
    year: int | None
    groups: list[CircularGroup]

    @property
    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def count(self, label: str) -> int:
        return sum(1 for g in self.groups for r in g.rows if r.status == label)

    @property
    def enterprises(self) -> int:
        return len({r.enterprise for g in self.groups for r in g.rows})


async def build_circular(
    as_of: dt.date, window: int, programme_id: int | None = None, year: int | None = None
) -> Circular:
    """Each reporting cell once (a 全级次 duty is the group's), in obligation order, the most
    days late first within an obligation."""
    board = await build_board(
        BoardQuery(as_of=as_of, programme_id=programme_id, year=year, page_size=0), window
    )
    if board.programme is None:
        raise NotFound("尚未载入工作方案，无法生成通报。")
    by_column = {c.id: c for c in board.columns}
    names = {r.enterprise.id: r.enterprise for r in board.rows}
    chased = tally(await chase_events(obligation_ids=list(by_column), until=end_of_day(as_of)))
    groups: dict[int, CircularGroup] = {}
    seen: set[tuple[int, int]] = set()
    for row in board.rows:
        for column_id, cell in row.cells.items():
            owner = cell.covered_by or row.enterprise.id
            if cell.state.status not in CIRCULAR_STATUSES or (owner, column_id) in seen:
                continue
            seen.add((owner, column_id))
            column, enterprise = by_column[column_id], names.get(owner, row.enterprise)
            group = groups.setdefault(
                column_id,
                CircularGroup(
                    column.code, column.title, column.due_year, column.clause, column.due_on
                ),
            )
            found = chased.get((owner, column_id))
            group.rows.append(
                CircularRow(
                    enterprise.name,
                    enterprise.credit_code,
                    Status(cell.state.status).label,
                    days_late(cell.state, as_of),
                    found.count if found else 0,
                )
            )
    ordered = [groups[c.id] for c in board.columns if c.id in groups]
    for g in ordered:
        g.rows.sort(key=lambda r: (-r.days_late, r.enterprise))
    return Circular(as_of, board.programme, year, ordered)
