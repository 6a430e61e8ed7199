"""提醒规则: the system administrator overrides the programme's reminder offsets; the input is
checked (Chinese messages), the change audited, and the next scan follows it."""

from __future__ import annotations

import httpx

from backend.db.tables import AuditEvent, Programme, ReminderLog
from backend.domain.reminders.scan import run_scan
from tests import factories as f
from tests.fixtures import at, csrf_token, sign_in


async def test_the_admin_changes_the_offsets_and_the_scan_follows(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], programme: int
) -> None:
    assert (await sign_in(client, "admin")).status_code == 303
    page = await client.get("/admin/reminders")
    assert page.status_code == 200 and "当前使用方案文件中的规则" in page.text
    token = await csrf_token(client, "/admin/reminders")
    form = {
        "before_due": "3",
        "overdue_first": "1",
        "overdue_every": "5",
        "before_resubmit": "2",
        "_csrf_token": token,
    }
    for field, bad, message in (
        ("before_due", "十", "到期前提醒须为 1—60 之间的整数"),
        ("before_due", "", "到期前提醒至少填写一个工作日数"),
        ("overdue_every", "0", "逾期后重复提醒间隔须为 1—60 之间的整数"),
        ("before_due", "1,2,3,4,5,6", "到期前提醒最多 5 个"),
    ):
        refused = await client.post(f"/admin/reminders/{programme}", data={**form, field: bad})
        assert refused.status_code == 422 and message in refused.text, field
    assert (await Programme.select(Programme.reminder_override).first())["reminder_override"] in (
        "{}",
        {},
    )
    saved = await client.post(f"/admin/reminders/{programme}", data=form)
    assert saved.status_code == 200 and "提醒规则已保存" in saved.text
    assert "当前使用本页设置的规则" in saved.text
    audit = await AuditEvent.select(AuditEvent.changes).where(
        AuditEvent.action == "reminder_policy"
    )
    assert len(audit) == 1 and "before_due_workdays" in str(audit[0]["changes"])

    # 31 December 2024: 3 working days before is 26 December; the file's 5 would be the 24th
    b1 = await f.obligation_id("B1", 2024)
    await run_scan(at(2024, 12, 24, 9))
    assert await ReminderLog.count().where(ReminderLog.obligation == b1) == 0
    await run_scan(at(2024, 12, 26, 9))
    steps = await ReminderLog.select(ReminderLog.step).where(ReminderLog.obligation == b1)
    assert steps and {s["step"] for s in steps} == {3}

    reset = await client.post(f"/admin/reminders/{programme}/reset", data={"_csrf_token": token})
    assert "已恢复为方案文件中的提醒规则" in reset.text
    assert await AuditEvent.count().where(AuditEvent.action == "reminder_policy") == 2
