"""The 整改台账 rules against examples worked by hand: a finding's status as of an instant, and
the rectification part of the score (rubric: part 20; on time 1, late 0.5, open past its
deadline 0, not yet due 1 for now; weights 一般 1 · 较重 2 · 重大 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backend.lib.timeutil import TZ, deadline_of
from backend.rules.rectification.scoring import FindingIn
from backend.rules.rectification.status import EventFact, FindingFacts, finding_state
from backend.rules.rectification.vocabulary import FindingStatus
from backend.rules.scoring import Rubric, ScoreIn, score

RUBRIC = Rubric.load(Path(__file__).resolve().parents[2] / "seed/rubrics/bgzf-2023-120.json")
DUE = dt.date(2024, 6, 30)


def at(m: int, d: int, h: int = 10, y: int = 2024) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def facts(*events: tuple[str, dt.datetime], kind: str = "deadline") -> FindingFacts:
    return FindingFacts(at(3, 1), DUE, kind, tuple(EventFact(k, t) for k, t in events))


def status(f: FindingFacts, moment: dt.datetime) -> FindingStatus | None:
    state = finding_state(f, moment)
    return state.status if state else None


def test_status_follows_the_facts_and_replays_any_instant() -> None:
    f = facts(
        ("progress", at(4, 1)),
        ("close_request", at(5, 1)),
        ("rejected", at(5, 10)),
        ("close_request", at(6, 20)),
        ("closed", at(7, 5)),
    )
    assert status(f, at(2, 1)) is None  # not raised yet
    assert status(f, at(3, 15)) is FindingStatus.NOT_STARTED
    assert status(f, at(4, 2)) is FindingStatus.IN_PROGRESS
    assert status(f, at(5, 2)) is FindingStatus.AWAITING_CHECK
    assert status(f, at(5, 11)) is FindingStatus.IN_PROGRESS  # 退回: back to work
    # Asked on 06-20, before the deadline: SASAC's checking time after 06-30 is not 逾期.
    assert status(f, at(7, 1)) is FindingStatus.AWAITING_CHECK
    state = finding_state(f, at(7, 6))
    assert state is not None and state.status is FindingStatus.CLOSED
    assert state.completed_at == at(6, 20) and not state.completed_late


def test_overdue_after_the_deadline_even_if_asked_late() -> None:
    f = facts(("close_request", at(7, 3)))
    assert status(f, deadline_of(DUE)) is FindingStatus.NOT_STARTED  # the last instant of 06-30
    assert status(f, deadline_of(DUE) + dt.timedelta(microseconds=1)) is FindingStatus.OVERDUE
    assert status(f, at(7, 4)) is FindingStatus.OVERDUE  # asked after the deadline
    long_term = facts(("close_request", at(6, 1)), ("closed", at(6, 5)), kind="long_term")
    assert status(long_term, at(8, 1)) is FindingStatus.ONGOING
    assert not FindingStatus.ONGOING.is_open and FindingStatus.OVERDUE.is_open


def finding(n: int, severity: str, f: FindingFacts) -> FindingIn:
    return FindingIn(n, f"问题{n}", severity, f)


ON_TIME = facts(("close_request", at(6, 20)), ("closed", at(7, 5)))
LATE = facts(("close_request", at(7, 20)), ("closed", at(7, 25)))
OPEN = facts(("progress", at(4, 1)))
YEAR_END = at(12, 31, 20)


def rect(*findings: FindingIn, moment: dt.datetime = YEAR_END) -> ScoreIn:
    return ScoreIn(year=2024, as_of=moment, findings=findings)


def test_closed_on_time_earns_full_marks() -> None:
    result = score(RUBRIC, rect(finding(1, "major", ON_TIME)))
    assert result.rectification_points == 20
    assert result.rectification[0].note.startswith("按期完成")


def test_closed_late_earns_the_rubrics_factor() -> None:
    # 20 × 3 × 0.5 / 3 = 10
    result = score(RUBRIC, rect(finding(1, "major", LATE)))
    assert result.rectification_points == 10
    assert "逾期完成" in result.rectification[0].note


def test_open_and_overdue_earns_nothing() -> None:
    result = score(RUBRIC, rect(finding(1, "general", OPEN)))
    assert result.rectification_points == 0
    line = result.rectification[0]
    assert line.status is FindingStatus.OVERDUE and line.provisional  # may still close late
    # After the year ends the zero is final.
    after = score(RUBRIC, rect(finding(1, "general", OPEN), moment=at(1, 5, y=2025)))
    assert not after.rectification[0].provisional


def test_not_yet_due_counts_provisionally() -> None:
    result = score(RUBRIC, rect(finding(1, "serious", OPEN), moment=at(5, 1)))
    assert result.rectification_points == 20 and result.provisional
    assert result.rectification[0].note.startswith("未到整改时限")


def test_none_at_all_is_full_marks_with_a_note() -> None:
    result = score(RUBRIC, rect())
    assert result.rectification_points == 20 and result.rectification == ()
    assert "本年度无整改事项，整改部分按满分计。" in result.notes
    # A finding raised after the instant does not exist yet.
    assert score(RUBRIC, rect(finding(1, "major", OPEN), moment=at(2, 1))).rectification == ()


def test_a_mix_weighted_by_severity() -> None:
    # 一般 on time (1 × 1), 较重 late (2 × 0.5), 重大 overdue (3 × 0): weights 6;
    # 20 × (1 + 1 + 0) / 6 = 6.67
    result = score(
        RUBRIC,
        rect(
            finding(1, "general", ON_TIME), finding(2, "serious", LATE), finding(3, "major", OPEN)
        ),
    )
    assert result.rectification_points == pytest.approx(6.67, abs=0.005)
    shares = [round(line.points, 2) for line in result.rectification]
    assert shares == [3.33, 3.33, 0.0]


def test_a_late_closure_lowers_the_total_by_exactly_the_rubric() -> None:
    # Two findings, 一般 and 重大 (weights 1 + 3 = 4). Closing the 重大 one late instead of on
    # time costs 20 × 3 × (1 − 0.5) / 4 = 7.5 points of the total.
    on_time = score(RUBRIC, rect(finding(1, "general", ON_TIME), finding(2, "major", ON_TIME)))
    late = score(RUBRIC, rect(finding(1, "general", ON_TIME), finding(2, "major", LATE)))
    assert on_time.total - late.total == pytest.approx(7.5)
    assert late.rectification_points == 12.5
