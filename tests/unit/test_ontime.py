"""The one-pass on-time series equals the definition evaluated instant by instant."""

from __future__ import annotations

import datetime as dt
import random

from backend.lib.timeutil import TZ, deadline_of, end_of_day
from backend.rules.cell_status import ExemptionFact, VersionFact
from backend.rules.ontime import CellFacts, series, series_naive


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ).astimezone(dt.UTC)


MONTH_ENDS = [
    end_of_day(dt.date(2023, 5, 31)),
    end_of_day(dt.date(2023, 6, 30)),
    end_of_day(dt.date(2023, 7, 31)),
    end_of_day(dt.date(2023, 12, 31)),
    end_of_day(dt.date(2024, 1, 10)),
]


def test_a_cell_counts_once_its_deadline_has_passed() -> None:
    on_time = CellFacts(dt.date(2023, 6, 30), (VersionFact(1, at(2023, 6, 1)),))
    late = CellFacts(dt.date(2023, 6, 30), (VersionFact(1, at(2023, 7, 2)),))
    never = CellFacts(dt.date(2023, 5, 22))
    points = series([on_time, late, never], MONTH_ENDS)
    # 05-31: only the 05-22 cell is due; 06-30 at 23:59:59.999999 is the deadline itself.
    assert [(p.owed, p.on_time) for p in points] == [(1, 0), (1, 0), (3, 1), (3, 1), (3, 1)]
    assert points[0].rate == 0 and points[2].rate == 1 / 3
    assert series([], MONTH_ENDS)[0].rate is None


def test_exemptions_and_extensions_follow_the_cell_rules() -> None:
    due = dt.date(2023, 6, 30)
    exempt = CellFacts(due, (), (ExemptionFact("exempt", at(2023, 7, 15)),))
    # Late by the original date, on time by an extension granted before the delivery.
    extended = CellFacts(
        due,
        (VersionFact(1, at(2023, 7, 20)),),
        (ExemptionFact("extension", at(2023, 7, 1), extended_to=dt.date(2023, 7, 31)),),
    )
    points = series([exempt, extended], MONTH_ENDS)
    # 07-31 is the extended deadline itself: counted from the next instant on.
    assert [(p.owed, p.on_time) for p in points] == [(0, 0), (0, 0), (0, 0), (1, 1), (1, 1)]
    assert points == series_naive([exempt, extended], MONTH_ENDS)


def test_one_pass_matches_the_definition_on_random_cells() -> None:
    rng = random.Random(20231231)
    dues = [
        dt.date(2023, 5, 22),
        dt.date(2023, 6, 30),
        dt.date(2023, 12, 20),
        dt.date(2023, 12, 31),
    ]
    cells = []
    for _ in range(400):
        due = rng.choice(dues)
        deadline = deadline_of(due)
        versions: tuple[VersionFact, ...] = ()
        if rng.random() < 0.7:
            first = deadline + dt.timedelta(hours=rng.randint(-2000, 2000))
            versions = (VersionFact(1, first), VersionFact(2, first + dt.timedelta(days=9)))
        exemptions: tuple[ExemptionFact, ...] = ()
        if rng.random() < 0.15:
            granted = deadline + dt.timedelta(days=rng.randint(-60, 60))
            if rng.random() < 0.5:
                exemptions = (ExemptionFact("exempt", granted),)
            else:
                later = due + dt.timedelta(days=rng.randint(1, 60))
                exemptions = (ExemptionFact("extension", granted, extended_to=later),)
        cells.append(CellFacts(due, versions, exemptions))
    instants = [end_of_day(dt.date(2023, 5, 1) + dt.timedelta(days=d)) for d in range(0, 300, 9)]
    assert series(cells, instants) == series_naive(cells, instants)
    assert series(cells, instants)[-1].owed > 300
