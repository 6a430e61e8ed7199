"""Row ids as people and URLs give them: every primary key is a Piccolo Serial (PostgreSQL
int4), so an id outside 1..MAX_ID names nothing and must not reach a query (SQLite overflows
at int64, PostgreSQL at int4)."""

from __future__ import annotations

MAX_ID = 2**31 - 1  # PostgreSQL integer / serial


def id_in_range(value: int) -> bool:
    return 1 <= value <= MAX_ID


def parse_id(raw: str) -> int | None:
    """An id typed into a form: ASCII digits naming a possible row, else None. (`str.isdigit`
    accepts "²", which `int` refuses; full-width digits are not ids either.)"""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if id_in_range(value) else None
