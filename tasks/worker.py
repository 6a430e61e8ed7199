"""arq WorkerSettings: `hegui worker` (or `arq tasks.worker.WorkerSettings`)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from arq import cron
from arq.connections import RedisSettings

from backend.domain.exports.reaper import reap_stale_jobs
from backend.domain.mail.runner import send_mail_job
from backend.domain.reminders.runner import reviewer_digest_job, scan_reminders_job
from backend.settings import get_settings
from backend.storage_sweep import sweep_store_job
from tasks.jobs import FUNCTIONS, scan_overdue
from tasks.queue import ArqQueue


async def reap_jobs(ctx: dict[str, Any]) -> dict[str, int]:
    """Retry or fail export jobs whose worker died (no heartbeat) or whose deadline passed."""
    return await reap_stale_jobs(ArqQueue(ctx["redis"]))


async def startup(ctx: dict[str, Any]) -> None:
    from backend.db.lifespan import db_lifespan

    ctx["db"] = db_lifespan()
    await ctx["db"].__aenter__()
    await reap_jobs(ctx)  # jobs a previous worker left running when it was killed


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["db"].__aexit__(None, None, None)


class WorkerSettings:
    functions = FUNCTIONS
    # Cron runs in the host's zone by default (UTC in containers); deadlines are Shanghai's.
    timezone = ZoneInfo("Asia/Shanghai")
    cron_jobs = [
        cron(scan_overdue, hour={1}, minute={5}),
        cron(sweep_store_job, hour={3}, minute={20}),  # crash leftovers (storage_sweep.py)
        cron(reap_jobs, second={30}, unique=True, run_at_startup=False),
        # Hourly and at start-up (catching up after downtime); the ledger makes repeats no-ops.
        cron(scan_reminders_job, minute={7}, unique=True, run_at_startup=True),
        # E-mail every minute (rows are claimed one by one, so two workers never send one twice).
        cron(send_mail_job, second={15}, unique=True, run_at_startup=True),
        # Hourly from 09:00 and at start-up: today's digest once per reviewer (digest_log).
        cron(reviewer_digest_job, minute={0}, unique=True, run_at_startup=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url or "redis://127.0.0.1:6379/0")
    max_tries = 3
