"""The reminder step current for a cell: offsets in working days, only the latest step, none
once something is in. Dates checked against the State Council calendar (2024 National Day:
Sunday 29 September is a working day, 1–7 October are not)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from backend.rules.cell_status import ReviewFact, VersionFact, cell_status
from backend.rules.reminders import ReminderKind, ReminderPolicy, due_step

TZ = pendulum.timezone("Asia/Shanghai")
POLICY = ReminderPolicy()
DUE = dt.date(2024, 12, 31)  # a Tuesday; 1 January is a holiday


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def step_at(moment: dt.datetime, due: dt.date = DUE, **facts):  # type: ignore[no-untyped-def]
    resubmit_by = facts.pop("resubmit_by", None)
    return due_step(cell_status(due, moment, **facts), moment, POLICY, resubmit_by)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2024, 12, 16, 23, 59), None),  # the day before the 10-working-day step
        (at(2024, 12, 17, 0, 0), ("before_due", 10)),
        (at(2024, 12, 23), ("before_due", 10)),
        (at(2024, 12, 24), ("before_due", 5)),
        (at(2024, 12, 30), ("before_due", 1)),
        (at(2024, 12, 31, 23, 59), ("before_due", 1)),  # still the due day: nothing new
        (at(2025, 1, 1, 0, 1), None),  # overdue on a holiday: the notice waits
        (at(2025, 1, 2, 0, 0), ("overdue", 1)),  # the first working day after
        (at(2025, 1, 8), ("overdue", 1)),
        (at(2025, 1, 9), ("overdue", 6)),  # then every 5 working days
        (at(2025, 1, 16), ("overdue", 11)),
    ],
)
def test_the_latest_step_by_working_days(moment: dt.datetime, expected: tuple | None) -> None:
    step = step_at(moment)
    assert (None if step is None else (step.kind.value, step.offset)) == expected


def test_after_downtime_only_the_latest_step_not_stale_ones() -> None:
    # Nothing ran from 10 December to 3 January: the scan owes the overdue notice, no "10 days".
    step = step_at(at(2025, 1, 3))
    assert step is not None and step.kind is ReminderKind.OVERDUE and step.offset == 1
    assert step.fires_on == dt.date(2025, 1, 2) and step.target_on == DUE


def test_makeup_working_days_and_long_holidays_count() -> None:
    due = dt.date(2024, 9, 30)
    assert step_at(at(2024, 9, 29), due).offset == 1  # a makeup Sunday is a working day
    assert step_at(at(2024, 9, 14), due).offset == 10  # a makeup Saturday too
    assert step_at(at(2024, 10, 7), due) is None  # overdue, but all holiday so far
    assert step_at(at(2024, 10, 8), due).offset == 1


def test_nothing_is_owed_once_a_version_is_in() -> None:
    versions = [VersionFact(1, at(2024, 12, 20))]
    assert step_at(at(2025, 1, 9), versions=versions) is None
    approved = [ReviewFact(1, "approve", at(2024, 12, 22))]
    assert step_at(at(2025, 1, 9), versions=versions, reviews=approved) is None


def test_a_returned_version_is_reminded_before_its_resubmission_deadline() -> None:
    versions = [VersionFact(1, at(2024, 12, 20))]
    returned = [ReviewFact(1, "return", at(2024, 12, 23))]
    resubmit_by = dt.date(2025, 1, 10)  # a Friday: 2 working days before is Wednesday 8th
    kw = {"versions": versions, "reviews": returned, "resubmit_by": resubmit_by}
    assert step_at(at(2025, 1, 7, 23, 59), **kw) is None
    step = step_at(at(2025, 1, 8), **kw)
    assert step is not None and step.kind is ReminderKind.BEFORE_RESUBMIT
    assert (step.offset, step.target_on, step.version_no) == (2, resubmit_by, 1)
    assert step_at(at(2025, 1, 10, 23, 59), **kw) is not None
    assert step_at(at(2025, 1, 11, 0, 0), **kw) is None  # past the deadline: no stale reminder
    assert step_at(at(2025, 1, 8), versions=versions, reviews=returned) is None  # no deadline


def test_policy_from_the_programme_file() -> None:
    policy = ReminderPolicy.from_data({"before_due_workdays": [3, 7], "overdue_every_workdays": 2})
    assert policy.before_due == (3, 7) and policy.overdue_every == 2
    assert ReminderPolicy.from_data(None) == ReminderPolicy()
    with pytest.raises(ValueError, match="正整数"):
        ReminderPolicy.from_data({"overdue_every_workdays": 0})


def test_kinds_carry_chinese_labels() -> None:
    assert ReminderKind.labels() == {
        "before_due": "到期提醒",
        "overdue": "逾期提醒",
        "before_resubmit": "退回修改提醒",
        "chase": "催报",  # sent by SASAC staff, recorded in the same ledger
    }


def finding_step_at(moment: dt.datetime, *events: tuple[str, dt.datetime], kind: str = "deadline"):  # type: ignore[no-untyped-def]
    from backend.rules.rectification.status import EventFact, FindingFacts, finding_state
    from backend.rules.reminders import finding_step

    facts = FindingFacts(at(2024, 9, 2), DUE, kind, tuple(EventFact(k, t) for k, t in events))
    state = finding_state(facts, moment)
    assert state is not None
    step = finding_step(state, moment, POLICY)
    return None if step is None else (step.kind.value, step.offset)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2024, 12, 16), None),
        (at(2024, 12, 17), ("before_due", 10)),
        (at(2024, 12, 24), ("before_due", 5)),
        (at(2024, 12, 30), ("before_due", 1)),
        (at(2025, 1, 1, 12), None),  # 逾期 on a holiday: the notice waits for a working day
        (at(2025, 1, 2), ("overdue", 1)),
        (at(2025, 1, 9), ("overdue", 6)),
    ],
)
def test_a_finding_is_reminded_like_a_cell(moment: dt.datetime, expected: object) -> None:
    assert finding_step_at(moment, ("progress", at(2024, 10, 8))) == expected


def test_a_finding_waiting_on_sasac_or_closed_gets_nothing() -> None:
    asked = ("close_request", at(2024, 12, 20))
    assert finding_step_at(at(2024, 12, 30), asked) is None  # 已完成待核验
    assert finding_step_at(at(2025, 1, 9), asked, ("rejected", at(2025, 1, 3))) == ("overdue", 6)
    closed = (asked, ("closed", at(2024, 12, 23)))
    assert finding_step_at(at(2024, 12, 30), *closed) is None  # 已销号
    assert finding_step_at(at(2025, 1, 9), *closed, kind="long_term") is None  # 长期坚持中
    late = ("close_request", at(2025, 1, 3))
    assert finding_step_at(at(2025, 1, 9), late) is None  # asked late: 逾期, but SASAC's turn
