"""The compliance score against examples worked by hand (arithmetic in the comments), and at
its boundaries: 不适用, a late resubmission, the third return, no findings, the caps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backend.lib.timeutil import TZ
from backend.rules.scoring import (
    AdjustmentIn,
    ObligationIn,
    ReviewIn,
    Rubric,
    ScoreIn,
    VersionIn,
    score,
    score_obligation,
    timeliness,
)

RUBRIC = Rubric.load(Path(__file__).resolve().parents[2] / "seed/rubrics/bgzf-2023-120.json")
AS_OF = dt.datetime(2025, 2, 1, 23, 59, tzinfo=TZ)


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, tzinfo=TZ)


def ob(code: str, versions=(), reviews=(), exempt=False, due=dt.date(2024, 12, 31)) -> ObligationIn:
    return ObligationIn(1, code, code, due, exempt, tuple(versions), tuple(reviews))


def test_a_year_worked_by_hand() -> None:
    obligations = (
        # B1 (weight 20): on time, 优 → 20 × 1.0 × 1.0 = 20
        ob(
            "B1",
            [VersionIn(1, at(2024, 12, 20))],
            [ReviewIn(1, "approve", "excellent", at(2024, 12, 23))],
        ),
        # B2 (20): first version 2025-01-03; 01-01 is a holiday, so 2 working days late → T 0.8;
        # 良 → Q 0.85: 20 × 0.8 × 0.85 = 13.6
        ob("B2", [VersionIn(1, at(2025, 1, 3))], [ReviewIn(1, "approve", "good", at(2025, 1, 10))]),
        # B3 (12): on time, returned three times, then 合格: Q = 0.7 − 0.05 × (3 − 2) = 0.65;
        # 12 × 1.0 × 0.65 = 7.8
        ob(
            "B3",
            [VersionIn(n, at(2024, 12, 1 + n)) for n in (1, 2, 3, 4)],
            [
                ReviewIn(n, "return", "", at(2024, 12, 1 + n), dt.date(2024, 12, 30))
                for n in (1, 2, 3)
            ]
            + [ReviewIn(4, "approve", "pass", at(2024, 12, 20))],
        ),
        # R1 (6): 不适用 → outside the maximum
        ob("R1", exempt=True),
        # R2 (6, due 03-31): nothing by the end of 2024 → T 0 → 0 points
        ob("R2", due=dt.date(2024, 3, 31)),
        # R3 (6, due 03-31): on time, still awaiting review → Q 0.7 暂计: 6 × 0.7 = 4.2
        ob("R3", [VersionIn(1, at(2024, 3, 29))], due=dt.date(2024, 3, 31)),
    )
    result = score(
        RUBRIC,
        ScoreIn(
            year=2024,
            as_of=AS_OF,
            obligations=obligations,
            ratings={
                "organisation": "excellent",
                "rules": "good",
                "mechanism": "pass",
                "effectiveness": "fail",
            },
            adjustments=(
                AdjustmentIn(3, "示范"),
                AdjustmentIn(4, "获评先进"),
                AdjustmentIn(-2, "迟报通报"),
            ),
        ),
    )
    # Obligations: earned 20 + 13.6 + 7.8 + 0 + 4.2 = 45.6 of 70 − 6 (R1 exempt) = 64;
    # 70 × 45.6 / 64 = 49.875
    assert result.obligations_points == pytest.approx(49.875, abs=0.006)
    assert result.rectification_points == 20  # no finding in 2024: full marks, with a note
    assert result.effectiveness_points == pytest.approx(6.0)  # 2.5 + 2.0 + 1.5 + 0
    assert (result.bonus, result.deduction) == (5, -2)  # +3 +4 = +7, capped at +5
    # 49.875 + 20 + 6 + 5 − 2 = 78.875 → 78.9 → 合格 (良好 starts at 80)
    assert result.total == 78.9 and result.grade == "合格"
    assert result.assessment_points == pytest.approx(5 * 78.9 / 100, abs=0.01)  # K = 5
    assert result.provisional  # R3 still awaits review
    lines = {line.code: line for line in result.lines}
    assert (lines["B2"].workdays_late, lines["B2"].t, lines["B2"].q) == (2, 0.8, 0.85)
    assert lines["B3"].q == pytest.approx(0.65)
    assert (
        not lines["R1"].counted and lines["R2"].t == 0 and lines["R3"].q_note.startswith("待审核")
    )
    assert any("本年度无整改事项" in n for n in result.notes) and any(
        "未评定" not in n for n in result.notes
    )


@pytest.mark.parametrize(
    ("workdays_late", "expected"),
    [(0, 1.0), (1, 0.8), (5, 0.8), (6, 0.6), (20, 0.6), (21, 0.4), (200, 0.4)],
)
def test_timeliness_bands(workdays_late: int, expected: float) -> None:
    assert timeliness(RUBRIC, workdays_late) == expected


def test_a_late_resubmission_drops_one_band() -> None:
    # On time (T 1.0), returned with a deadline of 06-07, resubmitted on 06-12 → T 0.8;
    # 优 → weight 6 × 0.8 × 1.0 = 4.8
    line = score_obligation(
        RUBRIC,
        2024,
        ob(
            "R2",
            [VersionIn(1, at(2024, 3, 20)), VersionIn(2, at(2024, 6, 12))],
            [
                ReviewIn(1, "return", "", at(2024, 5, 31), dt.date(2024, 6, 7)),
                ReviewIn(2, "approve", "excellent", at(2024, 6, 20)),
            ],
            due=dt.date(2024, 3, 31),
        ),
        AS_OF,
    )
    assert (line.t, line.q, line.points) == (0.8, 1.0, pytest.approx(4.8))
    assert "降一档" in line.t_note


def test_many_returns_never_take_quality_below_the_floor() -> None:
    reviews = [ReviewIn(n, "return", "", at(2024, 6, n), None) for n in range(1, 13)]
    line = score_obligation(
        RUBRIC,
        2024,
        ob(
            "B1",
            [VersionIn(n, at(2024, 6, n)) for n in range(1, 14)],
            [*reviews, ReviewIn(13, "approve", "pass", at(2024, 7, 1))],
        ),
        AS_OF,
    )
    assert line.q == 0.3  # 0.7 − 0.05 × 10 = 0.2, floored at 0.3


def test_returned_and_not_yet_resubmitted_earns_nothing_for_now() -> None:
    line = score_obligation(
        RUBRIC,
        2024,
        ob(
            "B1",
            [VersionIn(1, at(2024, 12, 1))],
            [ReviewIn(1, "return", "", at(2024, 12, 5), None)],
        ),
        AS_OF,
    )
    assert (line.q, line.points, line.provisional) == (0.0, 0.0, True)


def test_rectification_and_caps() -> None:
    base = ScoreIn(year=2025, as_of=dt.datetime(2025, 1, 2, tzinfo=TZ))
    # Nothing due yet on 2025-01-02: obligations at full marks, with a note.
    nothing_due = score(RUBRIC, base)
    assert nothing_due.obligations_points == 70
    # No finding at all: full marks (the findings' own cases are in test_rectification.py).
    assert score(RUBRIC, ScoreIn(year=2025, as_of=base.as_of)).rectification_points == 20
    # Deductions are capped at −20 in total, and a total never leaves 0–105.
    fined = score(
        RUBRIC,
        ScoreIn(
            year=2025,
            as_of=base.as_of,
            adjustments=(AdjustmentIn(-15, "a"), AdjustmentIn(-15, "b")),
        ),
    )
    assert fined.deduction == -20
    best = score(
        RUBRIC,
        ScoreIn(
            year=2025,
            as_of=base.as_of,
            adjustments=(AdjustmentIn(9, "c"),),
            ratings=dict.fromkeys(
                ("organisation", "rules", "mechanism", "effectiveness"), "excellent"
            ),
        ),
    )
    assert best.total == 105 and best.grade == "优秀"  # 70 + 20 + 10 + 5


def test_grade_bands() -> None:
    def total_with(adjust: float) -> str:
        # 70 (nothing due) + 20 + 0 (unrated) = 90, then adjusted
        return score(
            RUBRIC,
            ScoreIn(
                year=2025,
                as_of=dt.datetime(2025, 1, 2, tzinfo=TZ),
                adjustments=(AdjustmentIn(adjust, "x"),),
            ),
        ).grade

    assert total_with(0.1) == "优秀"  # 90.1
    assert total_with(-0.1) == "良好"  # 89.9
    assert total_with(-10) == "良好"  # 80.0
    assert total_with(-10.1) == "合格"  # 79.9
    assert total_with(-20) == "合格"  # 70.0
