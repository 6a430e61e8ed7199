"""催报 as read back: each action on a cell, and per cell how many and the latest. Below every
area, so the board's history, the enterprise timeline, the workspace and the 通报 all read it
(the chase area itself builds on the board, so the board cannot import it)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from backend.db.tables import ReminderLog
from backend.lib.timeutil import cn_datetime
from backend.rules.chase import chase_summary
from backend.rules.reminders import ReminderKind


@dataclass(frozen=True)
class ChaseEvent:
    at: dt.datetime
    enterprise_id: int
    obligation_id: int
    sender: str
    note: str
    recipients: int


async def chase_events(
    enterprise_id: int | None = None,
    obligation_ids: list[int] | None = None,
    until: dt.datetime | None = None,
) -> list[ChaseEvent]:
    """Each 催报 action on a cell (not each recipient), oldest first."""
    query = ReminderLog.select(
        ReminderLog.batch,
        ReminderLog.enterprise,
        ReminderLog.obligation,
        ReminderLog.created_at,
        ReminderLog.note,
        ReminderLog.sent_by.display_name.as_alias("sender"),
    ).where(ReminderLog.kind == ReminderKind.CHASE.value)
    if enterprise_id is not None:
        query = query.where(ReminderLog.enterprise == enterprise_id)
    if obligation_ids is not None:
        query = query.where(ReminderLog.obligation.is_in(obligation_ids or [0]))
    if until is not None:
        query = query.where(ReminderLog.created_at <= until)
    actions: dict[tuple[str, int, int], list[dict[str, Any]]] = defaultdict(list)
    for r in await query:
        actions[(r["batch"], r["enterprise"], r["obligation"])].append(r)
    events = [
        ChaseEvent(
            min(r["created_at"] for r in rows),
            enterprise,
            obligation,
            rows[0]["sender"] or "市国资委",
            rows[0]["note"],
            len(rows),
        )
        for (_, enterprise, obligation), rows in actions.items()
    ]
    return sorted(events, key=lambda e: e.at)


@dataclass(frozen=True)
class ChaseTally:
    count: int
    last: ChaseEvent | None

    @property
    def summary(self) -> str:
        return chase_summary(self.count, cn_datetime(self.last.at) if self.last else "")


def tally(events: list[ChaseEvent]) -> dict[tuple[int, int], ChaseTally]:
    """(enterprise, obligation) → how many 催报 and the latest."""
    grouped: dict[tuple[int, int], list[ChaseEvent]] = defaultdict(list)
    for e in events:
        grouped[(e.enterprise_id, e.obligation_id)].append(e)
    return {key: ChaseTally(len(v), v[-1]) for key, v in grouped.items()}
