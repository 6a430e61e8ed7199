from datetime import date, datetime

import pendulum
import pytest

from backend.rules.workdays import (
    add_workdays,
    has_official_calendar,
    is_workday,
    last_workday_on_or_before,
    subtract_workdays,
    workdays_between,
)


def test_new_year_break_sunday() -> None:
    assert not is_workday(date(2023, 12, 31))
    assert last_workday_on_or_before(date(2023, 12, 31)) == date(2023, 12, 29)


def test_last_workday_of_a_workday_is_itself() -> None:
    assert last_workday_on_or_before(date(2023, 12, 29)) == date(2023, 12, 29)


def test_makeup_saturday_is_workday() -> None:
    assert is_workday(date(2023, 10, 7))


def test_national_day_is_not_workday() -> None:
    assert not is_workday(date(2025, 10, 6))  # a Monday inside the break


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2023, 5, 22), 5, date(2023, 5, 15)),
        (date(2023, 12, 20), 5, date(2023, 12, 13)),
        (date(2025, 10, 31), 10, date(2025, 10, 17)),
        (date(2023, 12, 20), 10, date(2023, 12, 6)),
        (date(2023, 12, 20), 0, date(2023, 12, 20)),
    ],
)
def test_subtract_workdays(day: date, n: int, expected: date) -> None:
    assert subtract_workdays(day, n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, date(2025, 9, 28)),  # Sunday makeup day
        (3, date(2025, 9, 30)),
        (4, date(2025, 10, 9)),  # skips the 10-01..10-08 break
        (5, date(2025, 10, 10)),
        (6, date(2025, 10, 11)),  # Saturday makeup day
        (7, date(2025, 10, 13)),
    ],
)
def test_add_workdays_across_national_day_2025(n: int, expected: date) -> None:
    assert add_workdays(date(2025, 9, 26), n) == expected


def test_add_and_subtract_are_inverse_across_holiday() -> None:
    assert subtract_workdays(date(2025, 10, 10), 5) == date(2025, 9, 26)
    assert add_workdays(date(2025, 9, 26), -5) == subtract_workdays(date(2025, 9, 26), 5)


def test_accepts_pendulum_and_returns_plain_date() -> None:
    result = add_workdays(pendulum.date(2025, 9, 26), 5)
    assert type(result) is date
    assert result == date(2025, 10, 10)
    assert type(last_workday_on_or_before(pendulum.date(2023, 12, 31))) is date
    assert is_workday(pendulum.date(2023, 10, 7))
    assert is_workday(datetime(2023, 10, 7, 9, 30))


@pytest.mark.parametrize(
    ("year", "expected"), [(2003, False), (2004, True), (2026, True), (2027, False)]
)
def test_has_official_calendar(year: int, expected: bool) -> None:
    assert has_official_calendar(year) is expected


def test_2027_falls_back_to_monday_to_friday() -> None:
    assert is_workday(date(2027, 10, 1))  # Friday; no official holiday data
    assert not is_workday(date(2027, 10, 2))  # Saturday
    assert add_workdays(date(2027, 10, 1), 1) == date(2027, 10, 4)
    assert last_workday_on_or_before(date(2027, 1, 3)) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 9, 26), date(2025, 9, 26), 0),
        (date(2025, 9, 26), date(2025, 9, 25), 0),
        (date(2025, 9, 26), date(2025, 9, 27), 0),  # Saturday
        (date(2025, 9, 26), date(2025, 9, 28), 1),  # end inclusive, makeup Sunday
        (date(2025, 9, 25), date(2025, 9, 26), 1),  # start exclusive
        (date(2025, 9, 26), date(2025, 10, 10), 5),
        # 2027-01-01 counts: no official data for 2027 yet, so only weekends are skipped.
        (date(2026, 12, 30), date(2027, 1, 5), 4),
    ],
)
def test_workdays_between(start: date, end: date, expected: int) -> None:
    assert workdays_between(start, end) == expected
