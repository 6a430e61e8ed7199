"""arq WorkerSettings: `hegui worker` (or `arq tasks.worker.WorkerSettings`)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from arq import cron
from arq.connections import RedisSettings

from backend.settings import get_settings
from backend.storage_sweep import sweep_store_job
from tasks.jobs import FUNCTIONS, scan_overdue


async def startup(ctx: dict[str, Any]) -> None:
    from backend.db.lifespan import db_lifespan

    ctx["db"] = db_lifespan()
    await ctx["db"].__aenter__()


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["db"].__aexit__(None, None, None)


class WorkerSettings:
    functions = FUNCTIONS
    # Cron runs in the host's zone by default (UTC in containers); deadlines are Shanghai's.
    timezone = ZoneInfo("Asia/Shanghai")
    cron_jobs = [
        cron(scan_overdue, hour={1}, minute={5}),
        cron(sweep_store_job, hour={3}, minute={20}),  # crash leftovers (storage_sweep.py)
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url or "redis://127.0.0.1:6379/0")
    max_tries = 3
