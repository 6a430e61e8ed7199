"""The reminder scan runs hourly in the worker (arq cron) and in the web process without Redis."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from backend.db.tables import Notification, ReminderLog
from backend.domain.reminders import runner
from backend.settings import get_settings
from tasks.worker import WorkerSettings


def test_the_worker_scans_hourly_and_at_start_up() -> None:
    jobs = [j for j in WorkerSettings.cron_jobs if j.coroutine is runner.scan_reminders_job]
    assert len(jobs) == 1
    job = jobs[0]
    assert job.minute == {7} and job.hour is None and job.run_at_startup and job.unique


async def test_the_job_is_safe_to_repeat(roster: dict[str, int], tenant_accounts: dict) -> None:
    first = await runner.scan_reminders_job({"job_try": 1})
    assert "已发送" in first and await ReminderLog.count() > 0  # overdue items, as of now
    again = await runner.scan_reminders_job({"job_try": 2})  # arq delivers at least once
    assert "没有需要发送的新提醒" in again
    assert await ReminderLog.count() == await Notification.count()


@pytest.mark.parametrize(("redis_url", "expect_scan"), [("", True), ("redis://x:1/0", False)])
async def test_in_process_only_without_redis(
    tenant_accounts: dict, monkeypatch: pytest.MonkeyPatch, redis_url: str, expect_scan: bool
) -> None:
    settings = dataclasses.replace(
        get_settings(), redis_url=redis_url, reminder_scan_in_process=True
    )
    monkeypatch.setattr(runner, "get_settings", lambda: settings)
    monkeypatch.setattr(runner, "FIRST_SCAN_DELAY_SECONDS", 0)
    async with runner.reminder_scheduler():
        for _ in range(100):
            if await ReminderLog.count():
                break
            await asyncio.sleep(0.05)
    assert (await ReminderLog.count() > 0) is expect_scan
