"""A finding's status as of an instant (domain.md §5.2), a pure function of its dated facts,
like a cell's status: only what existed at the instant counts, so any past date replays.

- 已销号 once SASAC verified it (长期坚持 items: 长期坚持中, their first milestone verified);
- 已完成待核验 while a 销号 request waits, if it was made by the deadline;
- 逾期 when the deadline has passed and it is neither closed nor waiting on a timely request;
- 整改中 once progress was posted (or a request was returned), else 未启动.

Completion is dated by the enterprise's accepted 销号 request, not by SASAC's verification, so
SASAC's own checking time never makes a finding late (as timeliness is measured on submissions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.lib.timeutil import deadline_of
from backend.rules.rectification.vocabulary import FindingEventKind, FindingStatus

Kind = FindingEventKind


@dataclass(frozen=True)
class EventFact:
    kind: str  # a FindingEventKind
    at: dt.datetime


@dataclass(frozen=True)
class FindingFacts:
    raised_at: dt.datetime
    deadline: dt.date  # 整改时限: the end of that day in Shanghai
    rectification_type: str  # a RectificationType
    events: tuple[EventFact, ...] = ()


@dataclass(frozen=True)
class FindingState:
    status: FindingStatus
    deadline: dt.datetime
    completed_at: dt.datetime | None = None  # the 销号 request SASAC accepted
    closed_at: dt.datetime | None = None  # SASAC's verification
    pending_request_at: dt.datetime | None = None  # a request waiting for SASAC

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def overdue(self) -> bool:
        return self.status is FindingStatus.OVERDUE

    @property
    def completed_late(self) -> bool:
        return self.completed_at is not None and self.completed_at > self.deadline


def finding_state(facts: FindingFacts, as_of: dt.datetime) -> FindingState | None:
    """None when the finding had not been raised at the instant."""
    if facts.raised_at > as_of:
        return None
    deadline = deadline_of(facts.deadline)
    events = sorted((e for e in facts.events if e.at <= as_of), key=lambda e: e.at)
    progress = False
    request: dt.datetime | None = None  # the 销号 request still standing
    closed_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    for event in events:
        if event.kind in (Kind.PROGRESS, Kind.REJECTED):
            progress = True
            if event.kind == Kind.REJECTED:
                request = None
        elif event.kind == Kind.CLOSE_REQUEST and closed_at is None:
            request = event.at
        elif event.kind == Kind.CLOSED and closed_at is None:
            closed_at = event.at
            completed_at = request or event.at
            request = None
    if closed_at is not None:
        long_term = facts.rectification_type == "long_term"
        status = FindingStatus.ONGOING if long_term else FindingStatus.CLOSED
        return FindingState(status, deadline, completed_at, closed_at)
    if request is not None and request <= deadline:
        return FindingState(FindingStatus.AWAITING_CHECK, deadline, pending_request_at=request)
    if as_of > deadline:  # a request made after the deadline still leaves it 逾期
        return FindingState(FindingStatus.OVERDUE, deadline, pending_request_at=request)
    status = FindingStatus.IN_PROGRESS if progress else FindingStatus.NOT_STARTED
    return FindingState(status, deadline)
