"""The 催报 API's JSON (POST/GET /api/v1/reminders) as typed structs."""

from __future__ import annotations

import msgspec


class ChaseIn(msgspec.Struct, kw_only=True):
    """催报: one obligation, the enterprises to chase (a subsidiary's 全级次 duty chases its
    group), an optional message (at most 500 characters)."""

    obligation_id: int = 0
    enterprise_ids: list[int] = msgspec.field(default_factory=list)
    message: str = ""


class ChaseRecipientOut(msgspec.Struct, kw_only=True):
    account_id: int
    name: str  # the account's display name
    enterprise_id: int  # the enterprise chased (the one that reports the duty)
    enterprise: str
    obligation_id: int


class ChaseOut(msgspec.Struct, kw_only=True):
    sent: int  # in-app messages sent (= ledger rows written)
    cells: int  # enterprise × obligation cells chased
    batch: str  # the action's id, the same on each of its ledger rows
    recipients: list[ChaseRecipientOut]
    skipped: list[int]  # enterprises chased in vain: their group has no active enterprise account


class ReminderOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str  # before_due | overdue | before_resubmit | chase
    kind_label: str  # 到期提醒 / 逾期提醒 / 退回修改提醒 / 催报
    enterprise_id: int
    enterprise: str
    obligation_id: int | None  # null for a finding's reminder
    obligation: str  # code and year, e.g. "B1（2024年）"; for a finding "整改问题：…" (its text)
    finding_id: int | None = None  # the 整改台账 finding a reminder is about (then no obligation)
    recipient_id: int
    recipient: str
    step: int  # working days before (before_*) or after (overdue) the target date; 0 for 催报
    target_on: str  # YYYY-MM-DD: the due date or resubmission deadline
    fires_on: str  # YYYY-MM-DD: the day it was due to go out
    sent_by: str | None  # who chased (催报); null for scheduled reminders
    message: str
    batch: str  # the 催报 action's id ("" for scheduled reminders)
    created_at: str  # ISO 8601 with offset


class ReminderPageOut(msgspec.Struct, kw_only=True):
    items: list[ReminderOut]
    total: int
    page: int
    page_size: int
