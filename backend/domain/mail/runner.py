"""Where e-mail goes out: an arq cron job in `hegui worker`, or a loop in the web process when
there is no Redis (so `make run` sends too). Every run is logged and recorded for 后台任务."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from backend.domain.mail.sender import SendResult, send_due
from backend.domain.shared.jobruns import ScheduledJob, recorded
from backend.lib.process_lock import ProcessLock
from backend.settings import get_settings

log = logging.getLogger("hegui.mail")
SEND_EVERY_SECONDS = 30
FIRST_RUN_DELAY_SECONDS = 20
SHUTDOWN_WAIT_SECONDS = 30


async def send_mail() -> SendResult:
    return await recorded(ScheduledJob.MAIL_SEND, send_due, SendResult.summary)


async def send_mail_job(ctx: dict[str, Any]) -> str:
    """arq cron (every minute): deliver due outbox rows; safe when two workers run it."""
    return (await send_mail()).summary()


def send_lock() -> ProcessLock:
    """With several web processes only the lock holder sends (claims keep it once anyway)."""
    return ProcessLock(get_settings().var_dir / "mail-send.lock")


async def _loop(stop: asyncio.Event, lock: ProcessLock) -> None:
    delay: float = FIRST_RUN_DELAY_SECONDS
    while True:
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return
        except TimeoutError:
            pass
        delay = SEND_EVERY_SECONDS
        if not lock.try_acquire():
            continue
        with contextlib.suppress(Exception):  # recorded() logged it; the next round retries
            await send_mail()


@contextlib.asynccontextmanager
async def mail_scheduler(_app: Any = None) -> AsyncIterator[None]:
    """App lifespan: mail in-process, only when no worker does it (no Redis)."""
    settings = get_settings()
    if settings.redis_url or not settings.reminder_scan_in_process:
        yield
        return
    stop = asyncio.Event()
    lock = send_lock()
    task = asyncio.create_task(_loop(stop, lock))
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
