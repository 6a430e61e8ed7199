"""Cell status at its boundaries. A due date means 23:59:59 Asia/Shanghai that day."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.lib.timeutil import TZ, deadline_of
from backend.rules.cell_status import (
    CellState,
    ExemptionFact,
    ReviewFact,
    Status,
    VersionFact,
    cell_status,
)

DUE = dt.date(2023, 12, 20)  # A6, a Wednesday and a working day
DEADLINE = deadline_of(DUE)
SECOND = dt.timedelta(seconds=1)


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, s, tzinfo=TZ)


def status(**kwargs: object) -> CellState:
    return cell_status(DUE, **kwargs)  # type: ignore[arg-type]


def test_deadline_is_the_last_second_of_the_day_in_shanghai() -> None:
    assert DEADLINE.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S") == "2023-12-20 23:59:59"
    assert DEADLINE.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") == "2023-12-20 15:59"


def test_nothing_submitted_one_second_before_the_deadline_is_due_soon() -> None:
    assert status(as_of=at(2023, 12, 20, 23, 59, 58)).status is Status.DUE_SOON


def test_nothing_submitted_one_second_after_the_deadline_is_overdue() -> None:
    state = status(as_of=DEADLINE + SECOND)
    assert state.status is Status.OVERDUE
    assert state.days_late == 1  # 00:00 on the 21st is already one calendar day late


def test_overdue_days_count_calendar_days() -> None:
    assert status(as_of=at(2024, 1, 19)).days_late == 30


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (at(2023, 12, 12, 23, 59, 59), Status.NOT_DUE),  # the day before the window
        (at(2023, 12, 13, 0, 0, 0), Status.DUE_SOON),  # 5 working days before 12-20
        (at(2023, 5, 1), Status.NOT_DUE),
    ],
)
def test_due_soon_window_counts_working_days(as_of: dt.datetime, expected: Status) -> None:
    assert status(as_of=as_of).status is expected


def test_due_soon_window_skips_the_new_year_holiday() -> None:
    """2023-12-31 is a Sunday in the New Year break: the window still counts 5 working days back
    (12-29, 28, 27, 26, 25), and the cell stays due, not overdue, through the holiday itself."""
    due = dt.date(2023, 12, 31)
    assert cell_status(due, at(2023, 12, 24, 23)).status is Status.NOT_DUE
    assert cell_status(due, at(2023, 12, 25, 0)).status is Status.DUE_SOON
    assert cell_status(due, at(2023, 12, 31, 23, 59, 59)).status is Status.DUE_SOON
    assert cell_status(due, at(2024, 1, 1, 0, 0, 0)).status is Status.OVERDUE


def test_submission_in_the_last_second_is_on_time() -> None:
    versions = [VersionFact(1, DEADLINE)]
    reviews = [ReviewFact(1, "approve", at(2023, 12, 25))]
    state = status(as_of=at(2024, 1, 5), versions=versions, reviews=reviews)
    assert state.status is Status.APPROVED
    assert state.days_late == 0


def test_submission_one_second_late_is_approved_late() -> None:
    versions = [VersionFact(1, DEADLINE + SECOND)]
    reviews = [ReviewFact(1, "approve", at(2023, 12, 25))]
    state = status(as_of=at(2024, 1, 5), versions=versions, reviews=reviews)
    assert state.status is Status.APPROVED_LATE
    assert state.days_late == 1


def test_as_of_before_the_submission_existed_ignores_it() -> None:
    versions = [VersionFact(1, at(2023, 12, 22))]
    assert status(as_of=at(2023, 12, 21), versions=versions).status is Status.OVERDUE
    assert status(as_of=at(2023, 12, 22, 11), versions=versions).status is Status.SUBMITTED


def test_review_released_after_as_of_is_not_seen() -> None:
    versions = [VersionFact(1, at(2023, 12, 1))]
    reviews = [ReviewFact(1, "approve", at(2023, 12, 10))]
    assert status(as_of=at(2023, 12, 9), versions=versions, reviews=reviews).status is (
        Status.SUBMITTED
    )
    assert status(as_of=at(2023, 12, 10), versions=versions, reviews=reviews).status is (
        Status.APPROVED
    )


def test_return_then_resubmission_then_approval() -> None:
    versions = [VersionFact(1, at(2023, 12, 1)), VersionFact(2, at(2023, 12, 28))]
    reviews = [ReviewFact(1, "return", at(2023, 12, 5)), ReviewFact(2, "approve", at(2024, 1, 3))]
    seq = [
        (at(2023, 12, 4), Status.SUBMITTED),
        (at(2023, 12, 6), Status.RETURNED),
        (at(2023, 12, 28, 12), Status.SUBMITTED),
        (at(2024, 1, 3, 12), Status.APPROVED),
    ]
    for as_of, expected in seq:
        assert status(as_of=as_of, versions=versions, reviews=reviews).status is expected, as_of
    # Timeliness is measured on the first submission: the late resubmission keeps it on time.
    final = status(as_of=at(2024, 2, 1), versions=versions, reviews=reviews)
    assert final.days_late == 0
    assert final.version_no == 2
    assert final.submitted_at == at(2023, 12, 1)


def test_returned_cell_stays_returned_past_the_deadline() -> None:
    versions = [VersionFact(1, at(2023, 12, 1))]
    reviews = [ReviewFact(1, "return", at(2023, 12, 5))]
    assert status(as_of=at(2024, 3, 1), versions=versions, reviews=reviews).status is (
        Status.RETURNED
    )


def test_reopened_approval_asks_for_a_new_version() -> None:
    versions = [VersionFact(1, at(2023, 12, 1))]
    reviews = [ReviewFact(1, "approve", at(2023, 12, 5)), ReviewFact(1, "reopen", at(2024, 2, 1))]
    assert status(as_of=at(2024, 1, 1), versions=versions, reviews=reviews).status is (
        Status.APPROVED
    )
    assert status(as_of=at(2024, 2, 2), versions=versions, reviews=reviews).status is (
        Status.RETURNED
    )


def test_exemption_applies_from_when_it_was_granted() -> None:
    exemptions = [ExemptionFact("exempt", at(2024, 1, 10))]
    assert status(as_of=at(2024, 1, 9), exemptions=exemptions).status is Status.OVERDUE
    assert status(as_of=at(2024, 1, 10, 11), exemptions=exemptions).status is Status.EXEMPT


def test_revoked_exemption_no_longer_applies() -> None:
    exemptions = [ExemptionFact("exempt", at(2023, 11, 1), revoked_at=at(2023, 12, 1))]
    assert status(as_of=at(2023, 11, 15), exemptions=exemptions).status is Status.EXEMPT
    assert status(as_of=at(2024, 1, 1), exemptions=exemptions).status is Status.OVERDUE


def test_extension_moves_the_deadline() -> None:
    exemptions = [ExemptionFact("extension", at(2023, 12, 15), extended_to=dt.date(2024, 1, 15))]
    state = status(as_of=at(2024, 1, 10), exemptions=exemptions)
    assert state.status is Status.DUE_SOON
    assert state.due_on == dt.date(2024, 1, 15)
    late = status(
        as_of=at(2024, 1, 20), versions=[VersionFact(1, at(2024, 1, 16))], exemptions=exemptions
    )
    assert late.days_late == 1
    # Before the grant the original date applies: on 12-21 the cell was overdue.
    assert status(as_of=at(2023, 12, 14), exemptions=exemptions).due_on == DUE
    assert status(as_of=at(2023, 12, 14), exemptions=exemptions).status is Status.DUE_SOON


def test_an_extension_granted_after_a_late_submission_does_not_excuse_it() -> None:
    late = [VersionFact(1, at(2024, 1, 10))]  # 21 days after the 12-20 deadline
    exemptions = [ExemptionFact("extension", at(2024, 2, 1), extended_to=dt.date(2024, 3, 1))]
    reviews = [ReviewFact(1, "approve", at(2024, 2, 5))]
    state = status(as_of=at(2024, 2, 10), versions=late, reviews=reviews, exemptions=exemptions)
    assert state.status is Status.APPROVED_LATE
    assert state.days_late == 21
