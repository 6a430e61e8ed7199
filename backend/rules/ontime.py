"""The on-time rate (按时报送率) at many instants in one pass over the cells.

At an instant, a cell counts when its deadline has passed and it is not 不适用; it is on time
when its first version arrived by that deadline. This is exactly what `cell_status` says at that
instant (the effective due date, the first submission): `series_naive` states it that way and
the tests hold the two equal. A cell without exemptions changes only once, when its deadline
passes, so it adds to every later instant through a running sum; the few cells with exemptions
(whose deadline moves with extensions) are evaluated at each instant."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from backend.lib.timeutil import deadline_of
from backend.rules.cell_status import ExemptionFact, Status, VersionFact, cell_status


@dataclass(frozen=True, slots=True)
class CellFacts:
    due_on: dt.date
    versions: Sequence[VersionFact] = ()
    exemptions: Sequence[ExemptionFact] = ()


@dataclass(frozen=True, slots=True)
class Point:
    instant: dt.datetime
    owed: int  # cells whose deadline had passed (not 不适用)
    on_time: int  # of those, first version by the deadline

    @property
    def rate(self) -> float | None:
        return None if self.owed == 0 else self.on_time / self.owed


@lru_cache(maxsize=4096)
def deadline_utc(due_on: dt.date) -> dt.datetime:
    """The deadline of a due date, in UTC (cached: a handful of dates, thousands of cells)."""
    return deadline_of(due_on).astimezone(dt.UTC)


def _at(cell: CellFacts, instant: dt.datetime) -> tuple[int, int]:
    """(owed, on time) of one cell at one instant, from the cell rules."""
    state = cell_status(cell.due_on, instant, cell.versions, (), cell.exemptions)
    if state.status is Status.EXEMPT:
        return 0, 0
    deadline = deadline_utc(state.due_on)
    if instant <= deadline:
        return 0, 0
    on_time = state.submitted_at is not None and state.submitted_at <= deadline
    return 1, int(on_time)


def series(cells: Sequence[CellFacts], instants: Sequence[dt.datetime]) -> list[Point]:
    """The counts at each instant (instants ascending, aware)."""
    moments = [i.astimezone(dt.UTC) for i in instants]
    owed_from = [0] * (len(moments) + 1)  # a difference array: +1 from the first later instant
    on_time_from = [0] * (len(moments) + 1)
    owed_at = [0] * len(moments)
    on_time_at = [0] * len(moments)
    for cell in cells:
        if cell.exemptions:
            # Up to the earliest deadline any extension could give, nothing is owed yet.
            targets = [e.extended_to for e in cell.exemptions if e.extended_to is not None]
            earliest = min([cell.due_on, *targets])
            first = bisect.bisect_right(moments, deadline_utc(earliest))
            for k in range(first, len(moments)):
                moment = moments[k]
                owed, on_time = _at(cell, moment)
                owed_at[k] += owed
                on_time_at[k] += on_time
            continue
        deadline = deadline_utc(cell.due_on)
        start = bisect.bisect_right(moments, deadline)  # the first instant after the deadline
        owed_from[start] += 1
        if cell.versions and min(v.submitted_at for v in cell.versions) <= deadline:
            on_time_from[start] += 1
    points, owed_sum, on_time_sum = [], 0, 0
    for k, instant in enumerate(instants):
        owed_sum += owed_from[k]
        on_time_sum += on_time_from[k]
        points.append(Point(instant, owed_sum + owed_at[k], on_time_sum + on_time_at[k]))
    return points


def series_naive(cells: Sequence[CellFacts], instants: Sequence[dt.datetime]) -> list[Point]:
    """The definition, instant by instant: the reference the one-pass `series` must match."""
    points = []
    for instant in instants:
        moment = instant.astimezone(dt.UTC)
        counts = [_at(c, moment) for c in cells]
        points.append(Point(instant, sum(o for o, _ in counts), sum(t for _, t in counts)))
    return points
