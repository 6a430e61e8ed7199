"""后台任务: each scheduled job's last run and last failure, the outbox length, and whether the
job queue (Redis) answers — for the system administrator."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from backend.domain.mail.outbox import waiting_counts
from backend.domain.shared.jobruns import job_rows
from backend.lib.tasks import TaskQueue
from backend.rules.messages import JobOutcome
from backend.security.policy import Access
from backend.settings import get_settings


class OperationsController(Controller):
    path = "/admin/jobs"
    include_in_schema = False

    @get("/", name="admin:jobs", opt={"access": Access.ADMIN})
    async def page(self, queue: NamedDependency[TaskQueue]) -> Template:
        settings = get_settings()
        return Template(
            template_name="admin/jobs.html",
            context={
                "jobs": await job_rows(),
                "outcomes": JobOutcome.labels(),
                "counts": await waiting_counts(),
                "inline": queue.inline,
                "queue_ok": queue.inline or await queue.ping(),
                "mail_enabled": settings.mail_enabled,
                "active_menu": "admin_jobs",
            },
        )
