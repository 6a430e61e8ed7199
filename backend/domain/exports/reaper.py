"""Settle export jobs whose worker died or whose deadline passed (rules in
`backend/rules/job_deadline.py`). Run by the worker every minute and at its start, and by the
export pages before they show jobs, so that a dead worker cannot leave 生成中 on screen."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any

from backend.db.tables import ExportJob
from backend.domain.errors import Unavailable
from backend.domain.exports.service import ACTIVE, enqueue_export
from backend.lib.tasks import TaskQueue
from backend.rules import job_deadline as rules

log = logging.getLogger(__name__)


async def reap_stale_jobs(queue: TaskQueue, *, may_retry: bool = True) -> dict[str, int]:
    """Retry or fail the active jobs whose worker stopped beating or whose deadline passed.
    Each change is a compare-and-set on the heartbeat, so two reapers never both retry a job."""
    now, done = dt.datetime.now(dt.UTC), {"retried": 0, "failed": 0}
    columns = (ExportJob.id, ExportJob.status, ExportJob.attempts, ExportJob.heartbeat_at)
    jobs = await ExportJob.select(*columns, ExportJob.deadline_at, ExportJob.created_at).where(
        ExportJob.status.is_in(list(ACTIVE))
    )
    for job in jobs:
        verdict = rules.judge(
            job["status"], job["attempts"] or 0, job["heartbeat_at"], job["deadline_at"],
            job["created_at"], now,
        )  # fmt: skip
        if verdict.verdict is rules.Verdict.FINE:
            continue
        same = (ExportJob.id == job["id"]) & ExportJob.status.is_in(list(ACTIVE))
        beat = job["heartbeat_at"]
        same &= ExportJob.heartbeat_at.is_null() if beat is None else ExportJob.heartbeat_at == beat
        retry = verdict.verdict is rules.Verdict.RETRY and may_retry
        values: dict[Any, Any] = (
            {ExportJob.status: "queued", ExportJob.heartbeat_at: now}
            if retry
            else {
                ExportJob.status: "failed",
                ExportJob.error: verdict.message or rules.ABANDONED,
                ExportJob.finished_at: now,
            }
        )
        changed = await ExportJob.update(values).where(same).returning(ExportJob.id)
        if not changed:
            continue  # another reaper, or the job itself, got there first
        if retry:
            log.warning("export job %s: no heartbeat; handed back to the queue", job["id"])
            with contextlib.suppress(Unavailable):  # the deadline fails it if Redis stays down
                await enqueue_export(queue, job["id"])
            done["retried"] += 1
        else:
            log.warning("export job %s failed: %s", job["id"], verdict.message)
            done["failed"] += 1
    return done
