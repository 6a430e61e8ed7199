"""提醒规则: the system administrator overrides a programme's reminder offsets (the file's stay as
the defaults); validated, audited, and read by the next scan."""

from __future__ import annotations

import json
from typing import Any

from backend.db.tables import Programme
from backend.db.transactions import write_transaction
from backend.domain.errors import Invalid, NotFound
from backend.rules.reminders import (
    ReminderPolicy,
    effective_policy,
    policy_as_data,
    policy_from_form,
)
from backend.security.audit import Actor, AuditAction, record


def _json(raw: object) -> dict[str, Any]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


async def programme_policies() -> list[dict[str, Any]]:
    """Each programme with its file policy, override and the policy in force."""
    rows = await Programme.select(
        Programme.id,
        Programme.code,
        Programme.title,
        Programme.reminder_policy,
        Programme.reminder_override,
    ).order_by(Programme.id)
    found = []
    for row in rows:
        file_data, override = _json(row["reminder_policy"]), _json(row["reminder_override"])
        found.append(
            {
                "id": row["id"],
                "title": row["title"],
                "file": policy_as_data(ReminderPolicy.from_data(file_data)),
                "overridden": bool(override),
                "policy": policy_as_data(effective_policy(file_data, override)),
            }
        )
    return found


async def _programme(programme_id: int) -> dict[str, Any]:
    row = (
        await Programme.select(Programme.id, Programme.reminder_policy, Programme.reminder_override)
        .where(Programme.id == programme_id)
        .first()
    )
    if row is None:
        raise NotFound("未找到该工作方案。")
    return row


async def set_override(
    actor: Actor,
    programme_id: int,
    *,
    before_due: str,
    overdue_first: str,
    overdue_every: str,
    before_resubmit: str,
) -> bool:
    """Store the offsets as the programme's override; returns whether anything changed."""
    row = await _programme(programme_id)
    try:
        override = policy_from_form(before_due, overdue_first, overdue_every, before_resubmit)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    before = policy_as_data(
        effective_policy(_json(row["reminder_policy"]), _json(row["reminder_override"]))
    )
    if before == override and _json(row["reminder_override"]):
        return False
    await _write(actor, programme_id, before, override, override)
    return True


async def clear_override(actor: Actor, programme_id: int) -> bool:
    """Back to the programme file's offsets."""
    row = await _programme(programme_id)
    if not _json(row["reminder_override"]):
        return False
    file_data = _json(row["reminder_policy"])
    before = policy_as_data(effective_policy(file_data, _json(row["reminder_override"])))
    after = policy_as_data(ReminderPolicy.from_data(file_data))
    await _write(actor, programme_id, before, after, {})
    return True


async def _write(
    actor: Actor,
    programme_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
    stored: dict[str, Any],
) -> None:
    async with write_transaction():
        await Programme.update({Programme.reminder_override: json.dumps(stored)}).where(
            Programme.id == programme_id
        )
        await record(
            AuditAction.REMINDER_POLICY,
            actor,
            entity="programme",
            entity_id=programme_id,
            changes={
                key: {"from": before[key], "to": after[key]}
                for key in after
                if before.get(key) != after[key]
            }
            | ({"override": "恢复为方案文件的规则"} if not stored else {}),
        )
