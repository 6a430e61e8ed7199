"""A cell's whole history as spans of time, each with the state `cell_status` gives in it.

The status of a cell is a step function of the instant: it changes only when a fact takes
effect (a version submitted, a review released, an exemption granted or revoked), and, while
nothing is submitted, when the date passes the 临期 day or the deadline. The first kind of change
is written here once per fact, so the board can read "the span holding instant T" instead of
replaying every fact on every request; the second kind depends on the date alone and stays in
SQL: a span whose state is `NOSUB` (nothing submitted, not exempt) carries its effective due
date, and the query turns it into 未到期 / 临期 / 逾期未报 for the day asked.

`cell_status` stays the reference: the spans are made by calling it at each instant where a fact
takes effect, so they agree with it by construction, and the property test checks the SQL that
reads them against it on random histories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from backend.rules.cell_status import (
    CellState,
    ExemptionFact,
    ReviewFact,
    Status,
    VersionFact,
    cell_status,
)

# The open ends of the first and the last span: instants no fact can be at.
BEGINNING = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)

NOSUB = "nosub"  # nothing submitted: 未到期, 临期 or 逾期未报 depending on the date alone
_DATE_DRIVEN = {Status.NOT_DUE, Status.DUE_SOON, Status.OVERDUE}


class Span(NamedTuple):
    valid_from: dt.datetime  # inclusive
    valid_to: dt.datetime  # exclusive
    state: str  # NOSUB or a Status value other than the three date-driven ones
    due_on: dt.date  # the effective due date in the span
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    latest_no: int
    days_late: int  # fixed once something is submitted; NOSUB counts it from the date in SQL


def _key(state: CellState) -> tuple[object, ...]:
    if state.status in _DATE_DRIVEN:
        return (NOSUB, state.due_on, None, None, 0, 0)
    return (
        state.status.value,
        state.due_on,
        state.submitted_at,
        state.last_submitted_at,
        state.version_no,
        state.days_late,
    )


def fact_instants(
    versions: Sequence[VersionFact],
    reviews: Sequence[ReviewFact],
    exemptions: Sequence[ExemptionFact],
) -> list[dt.datetime]:
    """Every instant at which a fact takes effect, in order (a fact counts from its instant on:
    `submitted_at <= as_of`, `granted_at <= as_of < revoked_at`)."""
    found: set[dt.datetime] = {v.submitted_at for v in versions}
    found.update(r.released_at for r in reviews)
    for e in exemptions:
        found.add(e.granted_at)
        if e.revoked_at is not None:
            found.add(e.revoked_at)
    return sorted(t.astimezone(dt.UTC) for t in found)


def cell_spans(
    due_on: dt.date,
    versions: Sequence[VersionFact] = (),
    reviews: Sequence[ReviewFact] = (),
    exemptions: Sequence[ExemptionFact] = (),
) -> list[Span]:
    """The spans covering all time, from BEGINNING to END, neighbours merged when equal."""
    spans: list[Span] = []
    start = BEGINNING
    current = _key(cell_status(due_on, BEGINNING, versions, reviews, exemptions))
    for instant in fact_instants(versions, reviews, exemptions):
        if not BEGINNING < instant < END:
            continue
        state = _key(cell_status(due_on, instant, versions, reviews, exemptions))
        if state != current:
            spans.append(Span(start, instant, *current))  # type: ignore[arg-type]
            start, current = instant, state
    spans.append(Span(start, END, *current))  # type: ignore[arg-type]
    return spans
