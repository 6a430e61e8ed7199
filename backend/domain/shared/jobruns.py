"""Each scheduled job's run is logged (start, end, outcome, counts) and its latest state kept in
`job_run`, one row per job, so the 后台任务 page works with or without Redis."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from backend.db.tables import JobRun
from backend.lib.labels import LabelledEnum
from backend.rules.messages import JobOutcome

log = logging.getLogger("hegui.jobs")
T = TypeVar("T")


class ScheduledJob(LabelledEnum):
    """The jobs the worker (or the web process without Redis) runs on a schedule."""

    REMINDER_SCAN = "reminder_scan", "督办提醒扫描（每小时）"
    REVIEWER_DIGEST = "reviewer_digest", "审核待办日报（工作日 9:00）"
    MAIL_SEND = "mail_send", "邮件发送（每分钟）"
    OVERDUE_COUNT = "overdue_count", "逾期统计（每日）"
    STORE_SWEEP = "store_sweep", "存储清理（每日）"
    EXPORT_REAP = "export_reap", "导出任务回收（每分钟）"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _ensure(job: ScheduledJob) -> None:
    if not await JobRun.exists().where(JobRun.job == job.value):
        await JobRun.insert(JobRun(job=job.value)).on_conflict(
            target=JobRun.job, action="DO NOTHING"
        )


async def recorded(
    job: ScheduledJob, run: Callable[[], Awaitable[T]], summarize: Callable[[T], str]
) -> T:
    """Run `run`, logging and recording its start, end and outcome; re-raises a failure."""
    started = _now()
    clock = time.perf_counter()
    log.info("任务开始：%s", job.label)
    try:
        await _ensure(job)
        await JobRun.update(
            {
                JobRun.started_at: started,
                JobRun.outcome: JobOutcome.RUNNING.value,
                JobRun.runs: JobRun.runs + 1,
            }
        ).where(JobRun.job == job.value)
    except Exception:  # bookkeeping must never stop the job itself
        log.exception("记录任务开始失败：%s", job.label)
    try:
        result = await run()
    except Exception as exc:
        seconds = time.perf_counter() - clock
        log.exception("任务失败：%s（%.1f 秒）", job.label, seconds)
        await _finish(job, JobOutcome.FAILED, "", _reason(exc))
        raise
    summary = summarize(result)
    log.info("任务结束：%s，成功（%.1f 秒）：%s", job.label, time.perf_counter() - clock, summary)
    await _finish(job, JobOutcome.OK, summary, None)
    return result


def _reason(exc: BaseException) -> str:
    """What the page says about a failure: a domain error's own Chinese message, else a pointer
    to the log (an exception's text is English and may hold internals)."""
    message = getattr(exc, "message", "")
    if isinstance(message, str) and message:
        return message[:1000]
    if isinstance(exc, OSError | TimeoutError):
        return "连接数据库、Redis 或邮件服务器失败，详情见服务日志。"
    return "运行出错，详情见服务日志。"


async def _finish(job: ScheduledJob, outcome: JobOutcome, summary: str, error: str | None) -> None:
    values: dict[object, object] = {
        JobRun.finished_at: _now(),
        JobRun.outcome: outcome.value,
        JobRun.summary: summary[:2000],
    }
    if error is not None:
        values.update(
            {
                JobRun.failures: JobRun.failures + 1,
                JobRun.last_failed_at: _now(),
                JobRun.last_error: error,
            }
        )
    try:
        await JobRun.update(values).where(JobRun.job == job.value)  # type: ignore[arg-type]
    except Exception:
        log.exception("记录任务结束失败：%s", job.label)


async def job_rows() -> list[dict[str, object]]:
    """Every scheduled job with its latest run (never-run jobs too), in declaration order."""
    found = {r["job"]: r for r in await JobRun.select()}
    never = {
        "started_at": None,
        "finished_at": None,
        "outcome": "",
        "summary": "",
        "runs": 0,
        "failures": 0,
        "last_failed_at": None,
        "last_error": "",
    }
    return [{**never, **found.get(job.value, {}), "job": job} for job in ScheduledJob]
