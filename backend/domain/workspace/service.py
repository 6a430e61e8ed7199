"""The enterprise workspace: what the user's group must deliver, most urgent first.

A subsidiary never reports by itself (全级次 duties are delivered by its group), so the list is
the group's own reporting cells, read from the same board computation SASAC sees."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from backend.db.tables import Obligation, Review
from backend.domain.board.service import BoardQuery, Column, build_board
from backend.domain.shared.chases import ChaseTally, chase_events, tally
from backend.domain.shared.enterprises import EnterpriseRow
from backend.rules.cell_status import CellState, Status
from backend.rules.chase import CHASEABLE
from backend.rules.vocabulary import Decision, ReturnReason, ReviewState

# Urgency: a lower rank comes first; ranks from DONE_RANK on are folded under 已完成.
RANKS: dict[Status, int] = {
    Status.OVERDUE: 0,
    Status.RETURNED: 1,
    Status.DUE_SOON: 2,
    Status.NOT_DUE: 3,
    Status.SUBMITTED: 4,
    Status.APPROVED: 5,
    Status.APPROVED_LATE: 5,
    Status.EXEMPT: 5,
}
DONE_RANK = 5
# A new version is refused once approved (SASAC must reopen it) or while 不适用 is in force.
CLOSED = frozenset({Status.APPROVED, Status.APPROVED_LATE, Status.EXEMPT})


@dataclass(frozen=True)
class ReturnNote:
    """The reviewer's latest word on a returned (or reopened) deliverable."""

    version: int
    decision: str
    reasons: list[str]
    comment: str
    resubmit_by: dt.date | None
    released_at: dt.datetime


@dataclass
class Item:
    column: Column
    state: CellState
    deliverables: list[str]
    review: ReturnNote | None = None
    chase: ChaseTally | None = None  # SASAC's 催报 of this item

    @property
    def chased(self) -> ChaseTally | None:
        """The 催报 to highlight: only while the item is still owed."""
        return self.chase if self.state.status in CHASEABLE else None

    @property
    def status(self) -> str:
        return self.state.status.value

    @property
    def rank(self) -> int:
        return RANKS[self.state.status]

    @property
    def can_submit(self) -> bool:
        return self.state.status not in CLOSED

    @property
    def action_label(self) -> str:
        if self.state.status is Status.RETURNED:
            return "重新报送"
        return "报送新版本" if self.state.status is Status.SUBMITTED else "报送材料"

    def sort_key(self) -> tuple[int, int, dt.date, int]:
        """Overdue: most days late first; returned: earliest resubmission deadline first;
        the rest: soonest due first."""
        status = self.state.status
        most_late = -self.state.days_late if status is Status.OVERDUE else 0
        due = self.state.due_on
        if status is Status.RETURNED:
            review = self.review
            due = review.resubmit_by if review and review.resubmit_by else dt.date.max
        return (self.rank, most_late, due, self.column.id)


@dataclass
class Workspace:
    group: EnterpriseRow
    as_of: dt.date
    year: int | None
    years: list[int]
    programme: dict[str, Any] | None
    subsidiaries: int
    items: list[Item] = field(default_factory=list)

    @property
    def open_items(self) -> list[Item]:
        return [i for i in self.items if i.rank < DONE_RANK]

    @property
    def done_items(self) -> list[Item]:
        return [i for i in self.items if i.rank >= DONE_RANK]

    @property
    def counts(self) -> Counter[str]:
        return Counter(i.status for i in self.items)


async def build_workspace(
    group_id: int, as_of: dt.date, year: int | None, window_workdays: int
) -> Workspace:
    """The group's own cells as of `as_of`; raises NotFound/Validation as the board does."""
    board = await build_board(
        BoardQuery(as_of=as_of, year=year, enterprise_id=group_id), window_workdays, group_id
    )
    row = next(r for r in board.rows if r.enterprise.id == group_id)
    by_id = {c.id: c for c in board.columns}
    own = [(by_id[oid], cell.state) for oid, cell in row.cells.items() if cell.covered_by is None]
    ids = [column.id for column, _ in own]
    deliverables = await _deliverables(ids)
    returned = [c.id for c, s in own if s.status is Status.RETURNED]
    notes = await return_notes(group_id, returned)
    chased = tally(await chase_events(group_id, ids))
    items = [
        Item(c, s, deliverables.get(c.id, []), notes.get(c.id), chased.get((group_id, c.id)))
        for c, s in own
    ]
    items.sort(key=Item.sort_key)
    return Workspace(
        group=row.enterprise,
        as_of=as_of,
        year=board.query.year,
        years=board.years,
        programme=board.programme,
        subsidiaries=sum(1 for r in board.rows if r.enterprise.id != group_id),
        items=items,
    )


async def _deliverables(obligation_ids: list[int]) -> dict[int, list[str]]:
    if not obligation_ids:
        return {}
    rows = await Obligation.select(Obligation.id, Obligation.deliverables).where(
        Obligation.id.is_in(obligation_ids)
    )
    found: dict[int, list[str]] = {}
    for r in rows:
        value = r["deliverables"]
        found[r["id"]] = json.loads(value) if isinstance(value, str) else list(value or [])
    return found


async def return_notes(enterprise_id: int, obligation_ids: list[int]) -> dict[int, ReturnNote]:
    """For each obligation, the last released review of the submission's latest version."""
    if not obligation_ids:
        return {}
    submission = Review.version._.submission._
    rows = (
        await Review.select(
            submission.obligation.as_alias("obligation"),
            submission.latest_version.as_alias("latest"),
            Review.version.version_no.as_alias("version_no"),
            Review.decision,
            Review.reasons,
            Review.remark,
            Review.resubmit_by,
            Review.released_at,
        )
        .where(
            submission.enterprise == enterprise_id,
            submission.obligation.is_in(obligation_ids),
            Review.state == ReviewState.RELEASED,
        )
        .order_by(Review.released_at)
    )
    notes: dict[int, ReturnNote] = {}
    for r in rows:
        if r["version_no"] != r["latest"] or r["decision"] == Decision.APPROVE:
            continue
        raw = r["reasons"]
        codes = json.loads(raw) if isinstance(raw, str) else list(raw or [])
        notes[r["obligation"]] = ReturnNote(
            version=r["version_no"],
            decision=Decision.label_of(r["decision"], "已审核"),
            reasons=[ReturnReason.label_of(c, "其他") for c in codes],
            comment=r["remark"] or "",
            resubmit_by=r["resubmit_by"],
            released_at=r["released_at"],
        )
    return notes
