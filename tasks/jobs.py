"""Job functions. Each takes arq's ctx first and is idempotent (delivery is at-least-once).
Tasks call services; services never import tasks (they get a `backend.lib.tasks.TaskQueue`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from backend.domain.board.service import BoardQuery, build_board, status_totals
from backend.domain.exports.service import run_export
from backend.lib.timeutil import parse_date, today
from backend.settings import get_settings


async def scan_overdue(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Count cells by status as of a day (today by default); reminders will hang off this scan."""
    day = parse_date(as_of) or today()
    board = await build_board(BoardQuery(as_of=day), get_settings().due_soon_workdays)
    return dict(status_totals(board))


async def export_file(ctx: dict[str, Any], job_id: int) -> str:
    """Build one export job's workbook (a done job is not rebuilt)."""
    return await run_export(job_id)


FUNCTIONS: list[Callable[..., Awaitable[Any]]] = [scan_overdue, export_file]
