"""Where the scan runs: hourly in `hegui worker` (arq cron), or in the web process when there
is no Redis, so `make run` reminds too; and the Chinese report the CLI prints."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from backend.domain.reminders.digest import DigestResult, run_digest
from backend.domain.reminders.scan import ScanResult, run_scan
from backend.domain.shared.jobruns import ScheduledJob, recorded
from backend.lib.process_lock import ProcessLock
from backend.lib.timeutil import cn_datetime
from backend.settings import get_settings

log = logging.getLogger("hegui.reminders")
SCAN_EVERY_SECONDS = 3600
# The first in-process scan waits a little so start-up (and migrations) finish first.
FIRST_SCAN_DELAY_SECONDS = 30
SHUTDOWN_WAIT_SECONDS = 60


async def scan_configured(as_of: dt.datetime | None = None, *, dry_run: bool = False) -> ScanResult:
    moment = as_of or dt.datetime.now(dt.UTC)
    result = await run_scan(moment, get_settings().due_soon_workdays, dry_run=dry_run)
    log.info(summary(result))
    return result


def summary(result: ScanResult) -> str:
    when = cn_datetime(result.as_of)
    verb = "将发送" if result.dry_run else "已发送"
    if not result.sent:
        return f"截至 {when}：没有需要发送的新提醒。"
    return f"截至 {when}：{verb} {len(result.sent)} 项提醒，共 {result.messages} 条站内消息。"


def lines(result: ScanResult) -> list[str]:
    return [
        f"  {s.kind.label}｜{s.enterprise}｜{s.obligation}｜{s.title}｜{s.recipients} 人"
        for s in result.sent
    ]


def scan_lock() -> ProcessLock:
    """`hegui serve --workers N` starts N web processes: only the one holding this lock scans
    (the ledger would keep the reminders exactly-once anyway; this keeps the work once too)."""
    return ProcessLock(get_settings().var_dir / "reminder-scan.lock")


async def _scan_forever(stop: asyncio.Event, lock: ProcessLock) -> None:
    """Scan now and then every hour until `stop` is set. A scan is never cut off midway: a
    cancelled transaction would keep its pooled connection, and the pool would never close.
    A process without the lock tries again each hour (its holder may have gone)."""
    delay: float = FIRST_SCAN_DELAY_SECONDS
    while True:
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return
        except TimeoutError:
            pass
        delay = SCAN_EVERY_SECONDS
        if not lock.try_acquire():
            continue
        try:
            await recorded(ScheduledJob.REMINDER_SCAN, scan_configured, summary)
        except Exception:  # a failed scan must not stop the web process; the next hour retries
            log.exception("提醒扫描失败")
        try:
            await reviewer_digest()  # from 09:00 on, once a day (digest_log)
        except Exception:
            log.exception("待审核汇总发送失败")


@contextlib.asynccontextmanager
async def reminder_scheduler(_app: Any = None) -> AsyncIterator[None]:
    """App lifespan: the hourly scan in-process, only when no worker does it (no REDIS_URL).
    On shutdown a scan in progress finishes first (up to SHUTDOWN_WAIT_SECONDS)."""
    settings = get_settings()
    if settings.redis_url or not settings.reminder_scan_in_process:
        yield
        return
    stop = asyncio.Event()
    lock = scan_lock()
    task = asyncio.create_task(_scan_forever(stop, lock))
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), SHUTDOWN_WAIT_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        lock.release()


async def reviewer_digest() -> DigestResult:
    return await recorded(ScheduledJob.REVIEWER_DIGEST, run_digest, DigestResult.summary)


async def reviewer_digest_job(ctx: dict[str, Any]) -> str:
    """arq cron (hourly and at start-up): today's digest once per reviewer, from 09:00 on."""
    return (await reviewer_digest()).summary()


async def scan_reminders_job(ctx: dict[str, Any]) -> str:
    """arq cron job (hourly in the worker). Safe to repeat: the ledger keeps it exactly-once."""
    return summary(await recorded(ScheduledJob.REMINDER_SCAN, scan_configured, summary))
