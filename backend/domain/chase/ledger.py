"""The reminder ledger as a list: scheduled reminders (about reporting cells and 整改台账
findings) and 催报, newest first, narrowed to what the reader may see (an enterprise account:
its own group's rows only)."""

from __future__ import annotations

from typing import Any

from backend.db.tables import ReminderLog
from backend.domain.errors import Invalid, NotFound
from backend.domain.shared.enterprises import visible_enterprises
from backend.domain.shared.paging import MAX_PAGE_SIZE
from backend.rules.reminders import ReminderKind

COLUMNS = (
    ReminderLog.id,
    ReminderLog.kind,
    ReminderLog.enterprise,
    ReminderLog.enterprise.name.as_alias("enterprise_name"),
    ReminderLog.obligation,
    ReminderLog.obligation.code.as_alias("code"),
    ReminderLog.obligation.due_year.as_alias("due_year"),
    ReminderLog.finding,
    ReminderLog.finding.description.as_alias("finding_description"),
    ReminderLog.recipient,
    ReminderLog.recipient.display_name.as_alias("recipient_name"),
    ReminderLog.step,
    ReminderLog.target_on,
    ReminderLog.fires_on,
    ReminderLog.sent_by.display_name.as_alias("sender"),
    ReminderLog.note,
    ReminderLog.batch,
    ReminderLog.created_at,
)


async def ledger_page(
    scope: int | None,
    *,
    enterprise_id: int | None,
    obligation_id: int | None,
    kind: str | None,
    page: int,
    page_size: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the ledger and the total. An enterprise outside the scope answers 404."""
    if page < 1 or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise Invalid(f"页码须 ≥ 1，每页数量须在 1—{MAX_PAGE_SIZE} 之间。")
    if kind and kind not in {k.value for k in ReminderKind}:
        choices = "、".join(f"{k.value}（{k.label}）" for k in ReminderKind)
        raise Invalid(f"提醒类型“{kind[:20]}”无效，可选：{choices}。")
    conditions: list[Any] = []
    if scope is not None:
        ids = [e.id for e in await visible_enterprises(scope, include_inactive=True)]
        if enterprise_id is not None and enterprise_id not in ids:
            raise NotFound("未找到该企业。")
        conditions.append(ReminderLog.enterprise.is_in(ids or [0]))
    if enterprise_id is not None:
        conditions.append(ReminderLog.enterprise == enterprise_id)
    if obligation_id is not None:
        conditions.append(ReminderLog.obligation == obligation_id)
    if kind:
        conditions.append(ReminderLog.kind == kind)
    total = await ReminderLog.count().where(*conditions)
    rows = (
        await ReminderLog.select(*COLUMNS)
        .where(*conditions)
        .order_by(ReminderLog.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return rows, total
