"""导出 pages: request a workbook, watch its progress (htmx polling), download it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import File, Template

from backend.domain.errors import Forbidden, NotFound
from backend.domain.exports.reaper import reap_stale_jobs
from backend.domain.exports.service import (
    ACTIVE,
    KINDS,
    REGISTRY,
    STATUS_LABELS,
    ExportError,
    load_job,
    recent_jobs,
    request_export,
)
from backend.domain.exports.years import default_year, span_of
from backend.lib.tasks import TaskQueue
from backend.lib.timeutil import today
from backend.security.audit import AuditAction, record
from backend.security.dependencies import actor_for
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.settings import get_settings
from backend.storage import FileStore
from backend.web.cancel import unless_disconnected
from backend.web.downloads import attachment
from backend.web.memory import HEAVY

EXPORT = {"access": Access.EXPORT}
# In-process (no Redis) the request builds the file; a large workbook may take minutes.
INLINE_EXPORT_LIMIT_S = 300.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _view(job: dict[str, Any]) -> dict[str, Any]:
    total, progress = job["total"] or 0, job["progress"] or 0
    percent = 100 if job["status"] == "done" else (progress * 100 // total if total else 0)
    return {
        **job,
        "kind_label": KINDS.get(job["kind"], job["kind"]),
        "status_label": STATUS_LABELS.get(job["status"], job["status"]),
        "active": job["status"] in ACTIVE,
        "percent": percent,
    }


async def _job_or_404(job_id: int) -> dict[str, Any]:
    job = await load_job(job_id)
    if job is None:
        raise NotFound("未找到该导出任务。")
    return job


async def _reap(queue: TaskQueue) -> None:
    """A page that shows jobs first settles the stale ones, so a dead worker cannot leave a job
    at 生成中 on screen. In-process jobs die only with this process: fail them, never rerun
    one inside a page view."""
    await reap_stale_jobs(queue, may_retry=not queue.inline)


class ExportController(Controller):
    path = "/exports"
    include_in_schema = False

    @get("/", name="exports:page", opt=EXPORT)
    async def page(self, queue: NamedDependency[TaskQueue]) -> Template:
        await _reap(queue)
        context = {
            "jobs": [_view(j) for j in await recent_jobs()],
            "kinds": KINDS,
            "today": today().isoformat(),
            "year": default_year(await span_of(None), today()),
            "job": None,
            "error": "",
        }
        return Template(template_name="exports/page.html", context=context)

    @post("/", name="exports:create", opt=EXPORT, status_code=200)
    async def create(self, request: Request, queue: NamedDependency[TaskQueue]) -> Template:
        form = await request.form()
        kind = str(form.get("kind") or "")
        params = {name: str(form.get(name) or "") for name in ("year", "as_of", "programme_id")}
        try:
            # In-process, the queue builds the file now: stop if the client goes away.
            with HEAVY.working():
                job_id = await unless_disconnected(
                    request,
                    request_export(kind, params, actor_for(request), queue),
                    limit=INLINE_EXPORT_LIMIT_S,
                )
        except ExportError as exc:
            return Template(
                template_name="exports/partials/job.html",
                context={"job": None, "error": exc.message},
                status_code=400,
            )
        job = await _job_or_404(job_id)
        return Template(
            template_name="exports/partials/job.html", context={"job": _view(job), "error": ""}
        )

    @get("/{job_id:int}", name="exports:job", opt=EXPORT)
    async def job(
        self, request: HTMXRequest, job_id: FromPath[int], queue: NamedDependency[TaskQueue]
    ) -> Template:
        await _reap(queue)
        context: dict[str, Any] = {"job": _view(await _job_or_404(job_id)), "error": ""}
        if request.htmx:
            return Template(template_name="exports/partials/job.html", context=context)
        year = default_year(await span_of(None), today())
        context.update(jobs=[], kinds=KINDS, today=today().isoformat(), year=year)
        return Template(template_name="exports/page.html", context=context)

    @get("/{job_id:int}/download", name="exports:download", opt=EXPORT)
    async def download(self, request: Request, job_id: FromPath[int]) -> File:
        job = await _job_or_404(job_id)
        user = current_user(request)
        if user is None or not (user.is_sasac or user.id == job["requested_by"]):
            raise Forbidden("只有导出人或国资委工作人员可以下载该文件。")
        store = FileStore(get_settings().storage_dir)
        sha256 = job["file_sha256"]
        if job["status"] != "done" or not sha256 or not store.exists(sha256):
            raise NotFound("文件尚未生成或已失效，请重新导出。")
        await record(
            AuditAction.FILE_DOWNLOAD,
            actor_for(request, user),
            entity="export_job",
            entity_id=job_id,
            changes={"file_name": job["file_name"]},
        )
        spec = REGISTRY.get(job["kind"])
        suffix = spec.suffix if spec else ".xlsx"
        fallback = f"{spec.fallback_name if spec else 'export'}-{job_id}{suffix}"
        # Streamed from the store in chunks: a large workbook is never held in memory whole.
        return File(
            path=store.path_for(sha256),
            media_type=spec.media_type if spec else XLSX,
            headers={"Content-Disposition": attachment(job["file_name"], fallback)},
        )
