"""When a background job has gone stale, and what to do about it. Pure: the caller passes now.

A running job beats a heartbeat (every HEARTBEAT_EVERY while it works). A worker killed mid-job
stops beating: past HEARTBEAT_STALE the job is handed back to the queue, up to MAX_ATTEMPTS runs in
all, then failed. Whatever happens, a job past its deadline is failed, so nothing shows 生成中
forever (a queue without a live worker included)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

HEARTBEAT_EVERY = dt.timedelta(seconds=10)
HEARTBEAT_STALE = dt.timedelta(seconds=60)
JOB_DEADLINE = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 3

EXPIRED = "导出超时：任务未能在规定时间内完成，已停止。请重新导出；如持续出现，请联系系统管理员。"
ABANDONED = "导出中断：后台任务多次停止响应，已停止重试。请重新导出；如持续出现，请联系系统管理员。"


class Verdict(Enum):
    FINE = "fine"
    RETRY = "retry"
    FAIL = "fail"


@dataclass(frozen=True)
class Staleness:
    verdict: Verdict
    message: str = ""


def judge(
    status: str,
    attempts: int,
    heartbeat_at: dt.datetime | None,
    deadline_at: dt.datetime | None,
    created_at: dt.datetime,
    now: dt.datetime,
) -> Staleness:
    if status not in ("queued", "running"):
        return Staleness(Verdict.FINE)
    if deadline_at is not None and now > deadline_at:
        return Staleness(Verdict.FAIL, EXPIRED)
    if status == "queued":
        return Staleness(Verdict.FINE)  # waiting for a worker: only the deadline applies
    last_sign = heartbeat_at or created_at
    if now - last_sign <= HEARTBEAT_STALE:
        return Staleness(Verdict.FINE)
    if attempts < MAX_ATTEMPTS:
        return Staleness(Verdict.RETRY)
    return Staleness(Verdict.FAIL, ABANDONED)
