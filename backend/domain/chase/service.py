"""催报: send one action to the accounts of every chased cell, write it into the reminder ledger
(one row per recipient and cell, kind 催报), and read it back for the side panel, the cell's
history, the enterprise timeline and the workspace.

One action, one transaction: ledger rows, in-app messages and the audit events commit together.
The action's `batch` id is made when the preview is shown and travels with the form, so a form
posted twice (a double click, a retried request) inserts nothing the second time."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field

from backend.db.tables import ReminderLog
from backend.db.tables.reminders import chase_key
from backend.db.transactions import write_transaction
from backend.domain.chase.targets import Recipient, Target
from backend.domain.errors import Invalid
from backend.domain.mail.compose import MailFacts
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.lib.timeutil import cn_date, local_date
from backend.rules.audit_actions import AuditEntity
from backend.rules.messages import NotificationKind
from backend.rules.reminders import ReminderKind
from backend.security.audit import Actor, AuditAction, record

BATCH = re.compile(r"^[0-9a-f]{16,32}$")


def new_batch() -> str:
    return secrets.token_hex(8)


def check_batch(raw: str | None) -> str:
    value = (raw or "").strip()
    if not BATCH.match(value):
        raise Invalid("催报请求已失效，请重新打开催报预览后再发送。")
    return value


@dataclass
class SendResult:
    batch: str
    sent: int = 0  # ledger rows (= in-app messages) this call inserted
    cells: int = 0
    recipients: list[tuple[Target, Recipient]] = field(default_factory=list)
    skipped: list[Target] = field(default_factory=list)  # cells whose group has no account


def message_for(target: Target, note: str, sender: str) -> tuple[str, str]:
    """The Chinese title and body of a 催报 message."""
    column, state = target.column, target.state
    clause = f"（方案{column.clause}）" if column.clause else ""
    head = f"【催报】{column.title}（{column.due_year}年）"
    body = (
        f"{target.enterprise.name}：市国资委催报「{column.title}」{clause}，"
        f"截止日期 {cn_date(state.due_on)}，当前状态：{state.status.label}。请尽快在工作台报送。"
    )
    if note:
        body += f"\n{sender}留言：{note}"
    return head[:200], body


def link_for(target: Target) -> str:
    return f"/workspace?year={target.column.due_year}#item-{target.column.id}"


async def send_chase(targets: list[Target], note: str, actor: Actor, batch: str) -> SendResult:
    """Chase every target once in this action; returns what was inserted."""
    result = SendResult(batch)
    today = local_date(dt.datetime.now(dt.UTC))
    async with write_transaction():
        for target in targets:
            if not target.recipients:
                result.skipped.append(target)
                continue
            result.cells += 1
            title, body = message_for(target, note, actor.name)
            rows = [
                ReminderLog(
                    dedupe_key=chase_key(batch, target.enterprise.id, target.column.id, r.id),
                    enterprise=target.enterprise.id,
                    obligation=target.column.id,
                    recipient=r.id,
                    kind=ReminderKind.CHASE.value,
                    step=0,
                    target_on=target.state.due_on,
                    fires_on=today,
                    version_no=target.state.version_no,
                    sent_by=actor.id,
                    note=note,
                    batch=batch,
                )
                for r in target.recipients
            ]
            won = (
                await ReminderLog.insert(*rows)
                .on_conflict(target=ReminderLog.dedupe_key, action="DO NOTHING")
                .returning(ReminderLog.id, ReminderLog.recipient)
            )
            by_id = {r.id: r for r in target.recipients}
            facts = MailFacts(
                enterprise=target.enterprise.name,
                obligation=target.column.title,
                clause=target.column.clause or "",
                due_on=target.state.due_on,
            )
            ids = await deliver(
                [
                    Outgoing(
                        recipient=row["recipient"],
                        kind=NotificationKind.CHASE,
                        title=title,
                        body=body,
                        link=link_for(target),
                        enterprise=target.enterprise.id,
                        facts=facts,
                    )
                    for row in won
                ]
            )
            for row, notification_id in zip(won, ids, strict=True):
                await ReminderLog.update({ReminderLog.notification: notification_id}).where(
                    ReminderLog.id == row["id"]
                )
                result.recipients.append((target, by_id[row["recipient"]]))
            result.sent += len(won)
            if won:
                await record(
                    AuditAction.CHASE,
                    actor,
                    entity=AuditEntity.CHASE,
                    entity_id=batch,
                    enterprise_id=target.enterprise.id,
                    changes={
                        "enterprise": target.enterprise.name,
                        "obligation": f"{target.column.code}（{target.column.due_year}年）",
                        "status": target.state.status.label,
                        "recipients": [by_id[r["recipient"]].name for r in won],
                        "message": note,
                    },
                )
    return result
