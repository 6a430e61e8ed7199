"""提醒规则 page: the reminder offsets of each programme, for the system administrator."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template

from backend.domain.errors import DomainError
from backend.domain.reminders.policy_service import (
    clear_override,
    programme_policies,
    set_override,
)
from backend.rules.reminders import MAX_OFFSET_WORKDAYS
from backend.security.policy import Access
from backend.web.dependencies import ActorDep

ADMIN = {"access": Access.ADMIN}


@dataclass
class PolicyForm:
    before_due: str = ""
    overdue_first: str = ""
    overdue_every: str = ""
    before_resubmit: str = ""


async def _page(
    *,
    notice: str = "",
    error: str = "",
    failed_id: int | None = None,
    form: PolicyForm | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        template_name="admin/reminder_policy.html",
        context={
            "programmes": await programme_policies(),
            "notice": notice,
            "error": error,
            "failed_id": failed_id,
            "form": form,
            "max_offset": MAX_OFFSET_WORKDAYS,
            "active_menu": "admin_reminders",
        },
        status_code=status_code,
    )


class ReminderPolicyController(Controller):
    path = "/admin/reminders"
    include_in_schema = False

    @get("/", name="admin:reminders", opt=ADMIN)
    async def page(self) -> Template:
        return await _page()

    @post("/{programme_id:int}", opt=ADMIN, status_code=200)
    async def save(
        self, actor: ActorDep, programme_id: FromPath[int], data: URLEncodedBody[PolicyForm]
    ) -> Template:
        try:
            changed = await set_override(
                actor,
                programme_id,
                before_due=data.before_due,
                overdue_first=data.overdue_first,
                overdue_every=data.overdue_every,
                before_resubmit=data.before_resubmit,
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await _page(
                error=f"{exc.message}未保存。", failed_id=programme_id, form=data, status_code=422
            )
        return await _page(
            notice="提醒规则已保存，下一次提醒扫描起按新规则发送。" if changed else "没有修改。"
        )

    @post("/{programme_id:int}/reset", opt=ADMIN, status_code=200)
    async def reset(self, actor: ActorDep, programme_id: FromPath[int]) -> Template:
        changed = await clear_override(actor, programme_id)
        return await _page(notice="已恢复为方案文件中的提醒规则。" if changed else "没有修改。")
