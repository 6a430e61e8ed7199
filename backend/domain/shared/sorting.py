"""Sortable lists: the sort is a whitelisted column key in the URL (``sort=name``, or
``sort=-name`` for descending), so that a sorted view can be shared and survives paging. An
unknown key falls back to the list's default (old or hand-edited links keep working). Sorting is
stable: rows that tie keep the list's default order. Headers link with the ``sort_th`` macro
(templates/components/sort.html). In domain/shared so that services sort before they page.."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SortKey = Callable[[Any], Any]


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def next(self, key: str) -> str:
        """The URL value a click on column ``key`` asks for: the other direction of the current
        column, ascending for another one."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key

    def aria(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def arrow(self, key: str) -> str:
        if key != self.key:
            return ""
        return " ↓" if self.descending else " ↑"


def parse_sort(
    raw: str | None, allowed: Sequence[str] | Mapping[str, Any], default: str = ""
) -> Sort:
    """``raw`` as a Sort when its key is allowed, the default otherwise (an empty default: the
    list's own order, which ``sort_rows`` then leaves alone)."""
    text = (raw or "").strip()[:40]
    descending = text.startswith("-")
    key = text.lstrip("-")
    if key not in allowed:
        descending, key = default.startswith("-"), default.lstrip("-")
    return Sort(key, descending)


def _ranked(value: Any) -> tuple[int, Any]:
    # Empty values (None, "") go last in either direction; the rest compare among themselves.
    return (1, "") if value is None or value == "" else (0, value)


def sort_rows(rows: list[Any], sort: Sort, keys: Mapping[str, SortKey]) -> list[Any]:
    """The rows (already in the default order) ordered by ``sort``; stable for ties."""
    if sort.key not in keys:
        return rows
    get = keys[sort.key]
    filled = [r for r in rows if _ranked(get(r))[0] == 0]
    empty = [r for r in rows if _ranked(get(r))[0] == 1]
    return sorted(filled, key=get, reverse=sort.descending) + empty
