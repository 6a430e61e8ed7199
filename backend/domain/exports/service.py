"""Export jobs: a row in ``export_job`` per request, built by the ``export_file`` job (arq, or
in-process without Redis), the finished workbook kept in the file store.

``run_export`` is idempotent: a job that is done (and whose file is in the store) is not rebuilt;
any other state is (re)built from scratch, so a redelivered job is harmless. A run beats a
heartbeat and stops at the job's deadline; ``reap_stale_jobs`` retries or fails the jobs whose
worker died (rules in ``backend/rules/job_deadline.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import logging
import math
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.from_thread
import anyio.to_thread

from backend.db.tables import ExportJob
from backend.domain.errors import DomainError, Unavailable
from backend.domain.exports.registry import (
    KINDS,
    REGISTRY,
    ExportError,
    ExportKind,
    JobStatus,
    spec_for,
)
from backend.domain.exports.sheets import OnRow
from backend.domain.exports.years import settle_year
from backend.lib.ids import parse_id
from backend.lib.tasks import TaskQueue
from backend.lib.timeutil import parse_date, today
from backend.rules import job_deadline as rules
from backend.security.audit import Actor, AuditAction, record
from backend.settings import get_settings
from backend.storage import FileStore

log = logging.getLogger(__name__)
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
STATUS_LABELS = {s.value: s.label for s in JobStatus}

__all__ = [
    "ACTIVE",
    "KINDS",
    "REGISTRY",
    "STATUS_LABELS",
    "ExportError",
    "ExportKind",
    "build_file",
    "file_name_for",
    "load_job",
    "parse_params",
    "recent_jobs",
    "request_export",
    "run_export",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_params(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Checked, normalised parameters: as_of (ISO date, today by default), year (required for
    the 考核评分表: the as-of year by default), programme_id (optional)."""
    spec_for(kind)
    as_of_raw = str(raw.get("as_of") or "").strip()
    try:
        as_of = parse_date(as_of_raw) or today()
    except ValueError:
        raise ExportError(
            f"截至日期“{as_of_raw[:20]}”无效，请按 2024-12-31 的格式填写 2000—2099 年的日期。"
        ) from None
    year_raw = str(raw.get("year") or "").strip()
    if year_raw and not (
        year_raw.isascii() and year_raw.isdigit() and 2000 <= int(year_raw) <= 2100
    ):
        raise ExportError(f"年度“{year_raw[:10]}”无效，请填写四位数字年份。")
    year = int(year_raw) if year_raw else (as_of.year if kind == ExportKind.ASSESSMENT else None)
    programme_raw = str(raw.get("programme_id") or "").strip()
    programme_id = parse_id(programme_raw) if programme_raw else None
    if programme_raw and programme_id is None:
        raise ExportError("工作方案编号无效。")
    return {"as_of": as_of.isoformat(), "year": year, "programme_id": programme_id}


def file_name_for(kind: str, params: dict[str, Any]) -> str:
    return spec_for(kind).file_name(params)


async def build_file(
    kind: str, params: dict[str, Any], path: Path, on_row: OnRow | None = None
) -> int:
    """Compute the data, then write the workbook to ``path`` in a worker thread. Returns rows."""
    return await spec_for(kind).build(params, path, on_row)


def _seal(path: Path) -> str:
    """fsync the finished file and return its SHA-256."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        os.fsync(handle.fileno())
    return digest


async def _update(job_id: int, **values: Any) -> None:
    await ExportJob.update({name: value for name, value in values.items()}).where(
        ExportJob.id == job_id
    )


class ThreadProgress:
    """``on_row`` for a build running in a worker thread: writes progress (and the heartbeat) to
    the job row every ~5 % of the rows (at most every 200 rows), and at the end. Setting
    ``stopped`` makes the thread give up at its next row (a thread cannot be cancelled)."""

    def __init__(self, job_id: int) -> None:
        self.job_id, self.next_at, self.stopped = job_id, 0, False

    def __call__(self, i: int, n: int) -> None:
        if self.stopped:
            raise asyncio.CancelledError
        if i < self.next_at and i != n:
            return
        self.next_at = i + max(1, min(200, math.ceil(n / 20)))
        values = {"progress": i, "total": n, "status": "running", "heartbeat_at": _now()}
        anyio.from_thread.run(functools.partial(_update, self.job_id, **values))


@contextlib.asynccontextmanager
async def _heartbeat(job_id: int) -> AsyncIterator[None]:
    """Beat while the data is computed (no rows yet) as well as while rows are written."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(rules.HEARTBEAT_EVERY.total_seconds())
            await _update(job_id, heartbeat_at=_now())

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _message(exc: BaseException) -> str:
    if isinstance(exc, ExportError):
        return exc.message
    if isinstance(exc, DomainError):
        return f"导出失败：{exc.message}"
    if isinstance(exc, TimeoutError):
        return rules.EXPIRED
    return "导出失败：生成文件时出错，请稍后重试；如仍失败，请联系系统管理员。"


async def load_job(job_id: int) -> dict[str, Any] | None:
    if not 0 < job_id < 2**31:
        return None
    job: dict[str, Any] | None = (
        await ExportJob.select().where(ExportJob.id == job_id).output(load_json=True).first()
    )
    return job


async def fail_job(job_id: int, message: str) -> str:
    await _update(job_id, status="failed", error=message, finished_at=_now())
    return "failed"


async def run_export(job_id: int) -> str:
    """Build one job's file and store it; returns the final status ("missing" if no such job)."""
    job = await load_job(job_id)
    if job is None:
        return "missing"
    store = FileStore(get_settings().storage_dir)
    if job["status"] == "done" and job["file_sha256"] and store.exists(job["file_sha256"]):
        return "done"
    deadline = job["deadline_at"] or _now() + rules.JOB_DEADLINE
    if _now() >= deadline:
        return await fail_job(job_id, rules.EXPIRED)
    await _update(
        job_id,
        status="running",
        progress=0,
        total=0,
        error="",
        attempts=(job["attempts"] or 0) + 1,
        heartbeat_at=_now(),
        deadline_at=deadline,
    )
    path = store.new_incoming()
    progress = ThreadProgress(job_id)
    try:
        params = parse_params(job["kind"], job["params"] or {})
        async with _heartbeat(job_id), asyncio.timeout((deadline - _now()).total_seconds()):
            try:
                rows = await build_file(job["kind"], params, path, progress)
            finally:
                progress.stopped = True
        sha256 = await anyio.to_thread.run_sync(_seal, path)
        store.adopt(path, sha256)
    except Exception as exc:
        path.unlink(missing_ok=True)
        log.exception("export job %s failed", job_id)
        return await fail_job(job_id, _message(exc))
    except asyncio.CancelledError:
        path.unlink(missing_ok=True)  # the worker stops: the reaper retries or fails the job
        raise
    await _update(
        job_id,
        status="done",
        progress=rows,
        total=rows,
        file_sha256=sha256,
        file_name=file_name_for(job["kind"], params),
        finished_at=_now(),
        heartbeat_at=_now(),
    )
    return "done"


async def enqueue_export(queue: TaskQueue, job_id: int) -> None:
    # The arq job id is unique per request: ids of a reset database must not collide with
    # results Redis still keeps. Redelivery of the same job is harmless (run_export is idempotent).
    await queue.enqueue("export_file", job_id, job_id=f"export:{job_id}:{secrets.token_hex(4)}")


async def request_export(kind: str, params: dict[str, Any], actor: Actor, queue: TaskQueue) -> int:
    """Record the job, audit the request, hand the job to the queue (which, in-process, runs it
    at once). Raises ExportError for unusable parameters, Unavailable when the queue is down
    (the job is then recorded as failed with the same message)."""
    clean = await settle_year(kind, params, parse_params(kind, params))
    deadline = _now() + rules.JOB_DEADLINE
    inserted = await ExportJob.insert(
        ExportJob(kind=kind, params=clean, requested_by=actor.id, deadline_at=deadline)
    ).returning(ExportJob.id)
    job_id = int(inserted[0]["id"])
    await record(
        AuditAction.EXPORT,
        actor,
        entity="export_job",
        entity_id=job_id,
        changes={"kind": kind, "name": KINDS[kind], **clean},
    )
    try:
        await enqueue_export(queue, job_id)
    except Unavailable as exc:
        await fail_job(job_id, exc.message)
        raise
    return job_id


async def recent_jobs(limit: int = 30) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = (
        await ExportJob.select(
            *ExportJob.all_columns(exclude=[ExportJob.params]),
            ExportJob.requested_by.display_name.as_alias("requester"),
        )
        .order_by(ExportJob.id, ascending=False)
        .limit(limit)
    )
    return jobs
