"""催报 (chasing) and 通报 (the circular): which cells SASAC staff may chase, what a chase of a
filter reaches, the message's bounds, and how lateness is counted in the circular.

Days late are calendar days past the due date, as on the board (`CellState.days_late`)."""

from __future__ import annotations

import datetime as dt

from backend.rules.cell_status import CellState, Status

# A cell is worth chasing while a deliverable is still owed: not yet in, or returned for changes.
CHASEABLE = frozenset({Status.OVERDUE, Status.RETURNED, Status.DUE_SOON, Status.NOT_DUE})
# Chasing a board filter reaches the late ones unless the filter names another owed status.
DEFAULT_TARGETS = frozenset({Status.OVERDUE, Status.RETURNED})
# What the circular lists: overdue, or returned and waiting for a new version.
CIRCULAR_STATUSES = (Status.OVERDUE, Status.RETURNED)
MAX_MESSAGE = 500
MAX_CELLS = 5000  # one action; the whole 2023–2025 programme at 1,000 enterprises stays below


def bulk_targets(status_filter: str | None) -> frozenset[Status]:
    """The statuses a chase of the board's current filter reaches."""
    if status_filter and status_filter in {s.value for s in CHASEABLE}:
        return frozenset({Status(status_filter)})
    return DEFAULT_TARGETS


def clean_message(raw: str | None) -> str:
    """The optional message, trimmed; too long is refused with a Chinese message."""
    text = (raw or "").strip()
    if len(text) > MAX_MESSAGE:
        raise ValueError(f"催报留言不能超过 {MAX_MESSAGE} 个字（当前 {len(text)} 个字）。")
    return text


def is_chaseable(state: CellState) -> bool:
    return state.status in CHASEABLE


def days_late(state: CellState, as_of_day: dt.date) -> int:
    """Calendar days past the due date as of a day: the board's count for overdue cells; for a
    returned cell, how late its first version came (0 when on time)."""
    if state.status is Status.OVERDUE:
        return max(0, (as_of_day - state.due_on).days)
    return state.days_late


def chase_summary(count: int, last_at_text: str) -> str:
    """“已催报 2 次，最近 2024年1月3日 10:00” (the time already in Chinese form)."""
    if count <= 0:
        return "尚未催报"
    return f"已催报 {count} 次，最近 {last_at_text}"
