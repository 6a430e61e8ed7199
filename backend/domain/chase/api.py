"""POST /api/v1/reminders (催报) and GET /api/v1/reminders (the reminder ledger)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody

from backend.domain.chase.ledger import ledger_page
from backend.domain.chase.schemas import (
    ChaseIn,
    ChaseOut,
    ChaseRecipientOut,
    ReminderOut,
    ReminderPageOut,
)
from backend.domain.chase.service import new_batch, send_chase
from backend.domain.chase.targets import resolve
from backend.domain.errors import Invalid
from backend.domain.reminders.findings import shorten
from backend.lib.ids import id_in_range
from backend.lib.timeutil import today
from backend.rules.chase import MAX_CELLS, clean_message
from backend.rules.reminders import ReminderKind
from backend.security.dependencies import actor_for
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import TenancyDep
from backend.web.params import OptionalQueryInt, QueryPage


def _subject(row: dict[str, Any]) -> str:
    """What a ledger row is about, as users read it: the obligation's code and year, or the
    finding's description (shortened)."""
    if row["obligation"] is None:
        return f"整改问题：{shorten(row['finding_description'] or '')}"
    return f"{row['code']}（{row['due_year']}年）"


class ReminderApiController(Controller):
    path = "/api/v1/reminders"
    tags = ["reminders"]

    @post(
        "/",
        operation_id="ChaseEnterprises",
        summary="催报（向企业发送催报消息）",
        opt={"access": Access.CHASE},
        status_code=200,
    )
    async def chase(self, request: Request, data: JSONBody[ChaseIn]) -> ChaseOut:
        """Chases, as of today, the given enterprises on one obligation: each active enterprise
        account of the reporting group gets an in-app message, recorded once per recipient in
        the ledger. Refused (400) when a cell has nothing owed (delivered, approved, 不适用)."""
        if not id_in_range(data.obligation_id) or data.obligation_id < 1:
            raise Invalid("请填写节点任务编号（obligation_id）。")
        ids = list(dict.fromkeys(data.enterprise_ids))
        if not ids:
            raise Invalid("请至少选择一家企业（enterprise_ids）。")
        if len(ids) > MAX_CELLS or not all(id_in_range(i) and i > 0 for i in ids):
            raise Invalid(f"企业编号（enterprise_ids）无效：须为 1—{MAX_CELLS} 个正整数编号。")
        try:
            note = clean_message(data.message)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        window = get_settings().due_soon_workdays
        targets = await resolve(
            [(i, data.obligation_id) for i in ids], today(), window, strict=True
        )
        result = await send_chase(targets, note, actor_for(request), new_batch())
        return ChaseOut(
            sent=result.sent,
            cells=result.cells,
            batch=result.batch,
            recipients=[
                ChaseRecipientOut(
                    account_id=r.id,
                    name=r.name,
                    enterprise_id=t.enterprise.id,
                    enterprise=t.enterprise.name,
                    obligation_id=t.column.id,
                )
                for t, r in result.recipients
            ],
            skipped=[t.enterprise.id for t in result.skipped],
        )

    @get("/", operation_id="ListReminders", summary="提醒与催报记录", opt={"access": Access.BOARD})
    async def ledger(
        self,
        tenancy: TenancyDep,
        enterprise_id: OptionalQueryInt = None,
        obligation_id: OptionalQueryInt = None,
        kind: FromQuery[str | None] = None,
        page: QueryPage = 1,
        page_size: QueryPage = 50,
    ) -> ReminderPageOut:
        """The ledger, newest first: one row per reminder (or 催报) and recipient. kind is
        before_due, overdue, before_resubmit or chase. A reminder about a 整改台账 finding has
        finding_id set and obligation_id null. An enterprise account sees its own
        group's rows; another group's enterprise answers 404."""
        rows, total = await ledger_page(
            tenancy,
            enterprise_id=enterprise_id,
            obligation_id=obligation_id,
            kind=kind,
            page=page,
            page_size=page_size,
        )
        return ReminderPageOut(
            items=[
                ReminderOut(
                    id=r["id"],
                    kind=r["kind"],
                    kind_label=ReminderKind.label_of(r["kind"], r["kind"]),
                    enterprise_id=r["enterprise"],
                    enterprise=r["enterprise_name"] or "",
                    obligation_id=r["obligation"],
                    obligation=_subject(r),
                    finding_id=r["finding"],
                    recipient_id=r["recipient"],
                    recipient=r["recipient_name"] or "",
                    step=r["step"],
                    target_on=str(r["target_on"]),
                    fires_on=str(r["fires_on"]),
                    sent_by=r["sender"],
                    message=r["note"] or "",
                    batch=r["batch"] or "",
                    created_at=r["created_at"].isoformat(),
                )
                for r in rows
            ],
            total=total,
            page=page,
            page_size=page_size,
        )
