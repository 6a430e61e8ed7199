"""Upgrading a database whose audit rows were written before the chain was keyed: the migration
checks their old chain, re-signs them once, records that, and makes the table append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration

from backend.db.tables import ALL_TABLES, AuditEvent
from backend.security import audit
from backend.security.audit import AuditAction
from backend.security.audit_guard import MESSAGE

BEFORE_THE_KEY = "2026-11-28T03:36:32:816410"


async def test_old_rows_are_reanchored_by_the_migration(db: None) -> None:
    for table in reversed(ALL_TABLES):
        await table.alter().drop_table(if_exists=True)
    await Migration.alter().drop_table(if_exists=True)
    assert (await run_forwards(app_name="hegui", migration_id=BEFORE_THE_KEY)).success
    moment = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    for n in range(3):
        await AuditEvent.raw(
            "INSERT INTO audit_event (occurred_at, actor_name, ip, action, entity, entity_id, "
            "changes, prev_hash, row_hash) VALUES ({}, '系统', '', 'login', 'account', {}, "
            "'{{}}', '', '')",
            moment + dt.timedelta(minutes=n),
            str(n),
        )
    prev = audit.ZERO_HASH  # the chain as the unkeyed code built it
    for row in await AuditEvent.raw("SELECT * FROM audit_event ORDER BY id"):
        row["occurred_at"] = moment + dt.timedelta(minutes=int(row["entity_id"]))
        digest = audit._row_hash(prev, row, {})
        await AuditEvent.raw(
            "UPDATE audit_event SET prev_hash = {}, row_hash = {} WHERE id = {}",
            prev,
            digest,
            row["id"],
        )
        prev = digest

    assert (await run_forwards(app_name="hegui", migration_id="all")).success
    result = await audit.verify_chain()
    assert result.ok and result.checked == 4, result.message
    rows, _ = await audit.search(action=AuditAction.AUDIT_REANCHOR)
    assert rows[0]["changes"] == {
        "重新签名记录数": 3,
        "旧链末条哈希": prev,
        "旧链校验结果": "校验通过",
    }
    assert rows[0]["action_label"] == "操作日志改用密钥签名"
    with pytest.raises(Exception, match=MESSAGE):
        await AuditEvent.delete().where(AuditEvent.id == 1)
