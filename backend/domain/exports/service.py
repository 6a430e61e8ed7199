"""Export jobs: a row in ``export_job`` per request, built by the ``export_file`` job (arq, or
in-process without Redis), the finished workbook kept in the file store.

``run_export`` is idempotent: a job that is done (and whose file is in the store) is not rebuilt;
any other state is (re)built from scratch, so a redelivered job is harmless."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import math
import os
import secrets
from pathlib import Path
from typing import Any

import anyio.from_thread
import anyio.to_thread

from backend.db.tables import ExportJob
from backend.domain.errors import DomainError
from backend.domain.exports.sheets import OnRow, build_assessment, build_board_sheet
from backend.lib.timeutil import today
from backend.security.audit import Actor, AuditAction, record
from backend.settings import get_settings
from backend.storage import FileStore
from tasks.queue import TaskQueue

log = logging.getLogger(__name__)
KINDS = {"assessment": "考核评分表", "board": "进度台账"}
ACTIVE = ("queued", "running")
STATUS_LABELS = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}


class ExportError(ValueError):
    """A refused or failed export, with a Chinese message for the user."""


def parse_params(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Checked, normalised parameters: as_of (ISO date, today by default), year (required for
    the 考核评分表: the as-of year by default), programme_id (optional)."""
    if kind not in KINDS:
        raise ExportError("导出类型无效，请选择“考核评分表”或“进度台账”。")
    as_of_raw = str(raw.get("as_of") or "").strip()
    try:
        as_of = dt.date.fromisoformat(as_of_raw) if as_of_raw else today()
    except ValueError:
        raise ExportError(f"截至日期“{as_of_raw[:20]}”无效，请按 2024-12-31 的格式填写。") from None
    year_raw = str(raw.get("year") or "").strip()
    if year_raw and not (year_raw.isdigit() and 2000 <= int(year_raw) <= 2100):
        raise ExportError(f"年度“{year_raw[:10]}”无效，请填写四位数字年份。")
    year = int(year_raw) if year_raw else (as_of.year if kind == "assessment" else None)
    programme_raw = str(raw.get("programme_id") or "").strip()
    if programme_raw and not programme_raw.isdigit():
        raise ExportError("工作方案编号无效。")
    return {
        "as_of": as_of.isoformat(),
        "year": year,
        "programme_id": int(programme_raw) if programme_raw else None,
    }


def file_name_for(kind: str, params: dict[str, Any]) -> str:
    """考核评分表-2024-截至2024-12-31.xlsx; 进度台账-2024-截至….xlsx (no year: all years)."""
    year = f"-{params['year']}" if params.get("year") else ""
    return f"{KINDS[kind]}{year}-截至{params['as_of']}.xlsx"


async def build_file(
    kind: str, params: dict[str, Any], path: Path, on_row: OnRow | None = None
) -> int:
    """Compute the data, then write the workbook to ``path`` in a worker thread. Returns rows."""
    as_of = dt.date.fromisoformat(params["as_of"])
    year, programme_id = params.get("year"), params.get("programme_id")
    if kind == "assessment":
        from backend.domain.scores.service import compute_scores, current_programme

        programme = await current_programme(programme_id)
        if programme is None:
            raise ExportError("尚未载入工作方案，无法生成考核评分表。")
        scores = await compute_scores(int(year), as_of, programme_id=programme_id)
        build = functools.partial(
            build_assessment,
            path,
            title=f"{year}年度市属国有企业合规管理工作考核评分表",
            doc_no=str(programme.get("doc_no") or ""),
            year=int(year),
            as_of=as_of,
            scores=scores,
            on_row=on_row,
        )
    else:
        from backend.domain.board.service import BoardQuery, build_board

        query = BoardQuery(as_of=as_of, programme_id=programme_id, year=year)
        board = await build_board(query, get_settings().due_soon_workdays)
        build = functools.partial(build_board_sheet, path, board=board, on_row=on_row)
    rows: int = await anyio.to_thread.run_sync(build)
    return rows


def _seal(path: Path) -> str:
    """fsync the finished file and return its SHA-256."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        os.fsync(handle.fileno())
    return digest


async def _update(job_id: int, **values: Any) -> None:
    await ExportJob.update(values).where(ExportJob.id == job_id)


class ThreadProgress:
    """``on_row`` for a build running in a worker thread: writes progress to the job row every
    ~5 % of the rows (at most every 200 rows), and at the end."""

    def __init__(self, job_id: int) -> None:
        self.job_id, self.next_at = job_id, 0

    def __call__(self, i: int, n: int) -> None:
        if i < self.next_at and i != n:
            return
        self.next_at = i + max(1, min(200, math.ceil(n / 20)))
        anyio.from_thread.run(
            functools.partial(_update, self.job_id, progress=i, total=n, status="running")
        )


def _message(exc: Exception) -> str:
    if isinstance(exc, ExportError):
        return str(exc)
    if isinstance(exc, DomainError):
        return f"导出失败：{exc.message}"
    return "导出失败：生成文件时出错，请稍后重试；如仍失败，请联系系统管理员。"


async def load_job(job_id: int) -> dict[str, Any] | None:
    job: dict[str, Any] | None = (
        await ExportJob.select().where(ExportJob.id == job_id).output(load_json=True).first()
    )
    return job


async def run_export(job_id: int) -> str:
    """Build one job's file and store it; returns the final status ("missing" if no such job)."""
    job = await load_job(job_id)
    if job is None:
        return "missing"
    store = FileStore(get_settings().storage_dir)
    if job["status"] == "done" and job["file_sha256"] and store.exists(job["file_sha256"]):
        return "done"
    await _update(job_id, status="running", progress=0, total=0, error="")
    path = store.new_incoming()
    try:
        params = parse_params(job["kind"], job["params"] or {})
        rows = await build_file(job["kind"], params, path, ThreadProgress(job_id))
        sha256 = await anyio.to_thread.run_sync(_seal, path)
        store.adopt(path, sha256)
    except Exception as exc:
        path.unlink(missing_ok=True)
        log.exception("export job %s failed", job_id)
        finished = dt.datetime.now(dt.UTC)
        await _update(job_id, status="failed", error=_message(exc), finished_at=finished)
        return "failed"
    await _update(
        job_id,
        status="done",
        progress=rows,
        total=rows,
        file_sha256=sha256,
        file_name=file_name_for(job["kind"], params),
        finished_at=dt.datetime.now(dt.UTC),
    )
    return "done"


async def request_export(kind: str, params: dict[str, Any], actor: Actor, queue: TaskQueue) -> int:
    """Record the job, audit the request, hand the job to the queue (which, in-process, runs it
    at once). Raises ExportError for unusable parameters."""
    clean = parse_params(kind, params)
    inserted = await ExportJob.insert(
        ExportJob(kind=kind, params=clean, requested_by=actor.id)
    ).returning(ExportJob.id)
    job_id = int(inserted[0]["id"])
    await record(
        AuditAction.EXPORT,
        actor,
        entity="export_job",
        entity_id=job_id,
        changes={"kind": kind, "name": KINDS[kind], **clean},
    )
    # The arq job id is unique per request: ids of a reset database must not collide with
    # results Redis still keeps. Redelivery of the same job is harmless (run_export is idempotent).
    await queue.enqueue("export_file", job_id, job_id=f"export:{job_id}:{secrets.token_hex(4)}")
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
