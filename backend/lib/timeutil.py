"""Time in Asia/Shanghai: deadlines, "as of" instants and the Chinese way of writing dates.

Values are stored in UTC and converted only at the edges (templates, exports, input parsing)."""

from __future__ import annotations

import datetime as dt
import re

import pendulum

TZ = pendulum.timezone("Asia/Shanghai")
_ONE_DAY = dt.timedelta(days=1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates people may type: wide enough for any programme, narrow enough that adding a day or a
# time zone never overflows and no calendar walk runs for millennia.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)


def now() -> pendulum.DateTime:
    return pendulum.now(TZ)


def today() -> dt.date:
    return now().date()


def deadline_of(day: dt.date) -> dt.datetime:
    """A due date means the whole of that day in Shanghai: the deadline is its last instant."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=TZ)
    return start + _ONE_DAY - dt.timedelta(microseconds=1)


def end_of_day(day: dt.date) -> dt.datetime:
    """An "as of" date means the state of things at the end of that day."""
    return deadline_of(day)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TZ).date()


def parse_date(raw: str | None) -> dt.date | None:
    """Parse YYYY-MM-DD; None for empty input. Raises ValueError with a Chinese message."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"日期“{raw}”格式不正确，请按 YYYY-MM-DD 填写，例如 2023-12-20")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"日期“{raw}”不存在，请检查月份和日期") from exc
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"日期“{raw}”超出可用范围，请填写 2000-01-01 至 2099-12-31 之间的日期")
    return day


def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(TZ)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
