"""The status of one enterprise × obligation cell at an instant, as a pure function.

Only facts that existed at `as_of` count: a version submitted later, a review released later or
an exemption granted later is invisible, so any past (or future) date can be replayed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from backend.lib.labels import LabelledEnum
from backend.lib.timeutil import deadline_of, local_date
from backend.rules.workdays import subtract_workdays


class Status(LabelledEnum):
    NOT_DUE = "not_due", "未到期"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "逾期未报"
    SUBMITTED = "submitted", "已报送待审"
    RETURNED = "returned", "退回待改"
    APPROVED = "approved", "已通过"
    APPROVED_LATE = "approved_late", "逾期通过"
    EXEMPT = "exempt", "不适用"


# The word written in a board cell, short enough for a narrow column.
STATUS_SHORT: dict[str, str] = {
    Status.NOT_DUE: "未到期",
    Status.DUE_SOON: "临期",
    Status.OVERDUE: "逾期",
    Status.SUBMITTED: "待审",
    Status.RETURNED: "退回",
    Status.APPROVED: "通过",
    Status.APPROVED_LATE: "逾期通过",
    Status.EXEMPT: "不适用",
}


# Facts are tuples: the board creates one per version and review, tens of thousands at a time.
class VersionFact(NamedTuple):
    version_no: int
    submitted_at: dt.datetime


class ReviewFact(NamedTuple):
    version_no: int
    decision: str  # approve | return | reopen
    released_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ExemptionFact:
    kind: str  # exempt | extension
    granted_at: dt.datetime
    revoked_at: dt.datetime | None = None
    extended_to: dt.date | None = None

    def in_force(self, as_of: dt.datetime) -> bool:
        return self.granted_at <= as_of and (self.revoked_at is None or self.revoked_at > as_of)


@dataclass(slots=True)  # not frozen: the board builds tens of thousands and frozen init is slow
class CellState:
    status: Status
    due_on: dt.date  # the effective due date (after any extension in force)
    submitted_at: dt.datetime | None = None  # the first submission: timeliness is measured on it
    last_submitted_at: dt.datetime | None = None
    version_no: int = 0
    days_late: int = 0  # calendar days past the due date (of the first submission, or to as_of)


@lru_cache(maxsize=8192)
def due_soon_from(due_on: dt.date, window_workdays: int) -> dt.date:
    return subtract_workdays(due_on, window_workdays)


# The board evaluates tens of thousands of cells against a handful of due dates and one as-of
# instant: the zone arithmetic is done once per distinct value, and comparisons happen in UTC.
@lru_cache(maxsize=8192)
def _deadline_utc(due_on: dt.date) -> dt.datetime:
    return deadline_of(due_on).astimezone(dt.UTC)


@lru_cache(maxsize=1024)
def _local_date(moment: dt.datetime) -> dt.date:
    return local_date(moment)


def _submitted_at(version: VersionFact) -> dt.datetime:
    return version.submitted_at


def _version_no(version: VersionFact) -> int:
    return version.version_no


def _effective_due(
    due_on: dt.date, exemptions: Sequence[ExemptionFact], as_of: dt.datetime
) -> dt.date:
    """The due date after extensions in force at `as_of`. Callers pass the first submission's
    time as `as_of` once there is one: an extension granted later cannot excuse lateness."""
    extended = [
        e.extended_to
        for e in exemptions
        if e.kind == "extension" and e.extended_to is not None and e.in_force(as_of)
    ]
    return max(extended) if extended else due_on


def cell_status(
    due_on: dt.date,
    as_of: dt.datetime,
    versions: Sequence[VersionFact] = (),
    reviews: Sequence[ReviewFact] = (),
    exemptions: Sequence[ExemptionFact] = (),
    window_workdays: int = 5,
) -> CellState:
    if as_of.tzinfo is not dt.UTC:
        as_of = as_of.astimezone(dt.UTC)
    if exemptions and any(e.kind == "exempt" and e.in_force(as_of) for e in exemptions):
        return CellState(Status.EXEMPT, due_on)
    seen = [v for v in versions if v.submitted_at <= as_of]
    cutoff = min(v.submitted_at for v in seen) if seen else as_of
    effective_due = _effective_due(due_on, exemptions, cutoff) if exemptions else due_on
    deadline = _deadline_utc(effective_due)

    if not seen:
        if as_of > deadline:
            days = (_local_date(as_of) - effective_due).days
            return CellState(Status.OVERDUE, effective_due, days_late=days)
        if _local_date(as_of) >= due_soon_from(effective_due, window_workdays):
            return CellState(Status.DUE_SOON, effective_due)
        return CellState(Status.NOT_DUE, effective_due)

    first = min(seen, key=_submitted_at) if len(seen) > 1 else seen[0]
    latest = max(seen, key=_version_no) if len(seen) > 1 else seen[0]
    on_time = first.submitted_at <= deadline
    late_days = 0 if on_time else (local_date(first.submitted_at) - effective_due).days

    decisions = [r for r in reviews if r.version_no == latest.version_no and r.released_at <= as_of]
    if not decisions:
        status = Status.SUBMITTED
    else:
        last = max(decisions, key=lambda r: r.released_at)
        if last.decision == "approve":
            status = Status.APPROVED if on_time else Status.APPROVED_LATE
        else:  # a return, or SASAC reopening an approved version, asks for a new version
            status = Status.RETURNED
    return CellState(
        status,
        effective_due,
        submitted_at=first.submitted_at,
        last_submitted_at=latest.submitted_at,
        version_no=latest.version_no,
        days_late=late_days,
    )


def due_soon_until(as_of_day: dt.date, window_workdays: int = 5) -> dt.date:
    """The last due date that is 临期 (or already past) on `as_of_day`: a cell with nothing
    submitted is 临期 on that day exactly when its effective due date is on or before this one.

    `due_soon_from` is monotonic in the due date, so {due : due_soon_from(due) <= as_of_day} is
    every date up to some last one; the database compares a due date with it instead of counting
    working days itself (SQL knows no holiday calendar)."""
    day = as_of_day
    if due_soon_from(day, window_workdays) <= as_of_day:
        # Working-day windows span a few weeks at most (the Spring Festival week included).
        while due_soon_from(day + dt.timedelta(days=1), window_workdays) <= as_of_day:
            day += dt.timedelta(days=1)
        return day
    while due_soon_from(day, window_workdays) > as_of_day:  # a negative window looks forward
        day -= dt.timedelta(days=1)
    return day
