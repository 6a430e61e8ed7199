"""The reviewers' 09:00 digest (once per reviewer per working day, caught up after downtime,
in-app and by e-mail) and the 后台任务 page's record of each job's runs."""

from __future__ import annotations

import httpx
import pytest

from backend.db.tables import Account, DigestLog, JobRun, MailOutbox, Notification
from backend.domain.mail.sender import send_due
from backend.domain.reminders.digest import run_digest
from backend.domain.reviews.queue import review_queue
from backend.domain.shared.jobruns import ScheduledJob, recorded
from tests import factories as f
from tests.fixtures import at, sign_in
from tests.smtp import SmtpServer


async def _digests() -> list[dict]:
    return await Notification.select(Notification.recipient, Notification.title).where(
        Notification.kind == "digest"
    )


async def test_the_digest_goes_once_per_reviewer_per_day(
    roster: dict[str, int], tenant_accounts: dict[str, int], smtp_server: SmtpServer
) -> None:
    await Account.update({Account.email: "reviewer@example.cn"}).where(
        Account.id == tenant_accounts["reviewer"]
    )
    b1 = await f.obligation_id("B1", 2024)
    await f.submit(roster["G"], b1, at(2024, 12, 2))
    await f.submit(roster["U"], b1, at(2024, 12, 20))
    early = await run_digest(at(2024, 12, 23, 8))  # a Monday, before 09:00
    assert early.sent == 0 and "未到" in early.summary()
    first = await run_digest(at(2024, 12, 23, 9))
    # the admin and the reviewer review; the leader, auditor and enterprises do not
    assert first.sent == 2
    assert {d["recipient"] for d in await _digests()} == {
        tenant_accounts["admin"],
        tenant_accounts["reviewer"],
    }
    title = (await _digests())[0]["title"]
    waiting = (await review_queue())["total"]
    assert waiting >= 2 and f"{waiting} 份待审核" in title
    body = (
        await Notification.select(Notification.body).where(Notification.kind == "digest").first()
    )["body"]
    assert "已等待超过 5 个工作日" in body and "等待最久的是" in body
    again = await run_digest(at(2024, 12, 23, 15))  # hourly runs later that day
    assert again.sent == 0 and len(await _digests()) == 2
    assert await MailOutbox.count() == 1  # the reviewer has an address, the admin not
    await send_due()
    assert "待审核汇总" in str(smtp_server.inbox.messages[0]["Subject"])


async def test_after_downtime_only_todays_digest(tenant_accounts: dict[str, int]) -> None:
    # nothing ran on Monday and Tuesday; Wednesday 11:00 sends Wednesday's only
    weekend = await run_digest(at(2024, 12, 21, 10))  # a Saturday
    assert weekend.sent == 0 and "非工作日" in weekend.summary()
    resumed = await run_digest(at(2024, 12, 25, 11))
    assert resumed.sent == 2
    days = {r["digest_on"] for r in await DigestLog.select(DigestLog.digest_on)}
    assert [str(d) for d in days] == ["2024-12-25"]
    waiting = (await review_queue())["total"]
    assert f"{waiting} 份待审核" in (await _digests())[0]["title"] or waiting == 0


async def test_jobs_record_runs_and_failures(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int]
) -> None:
    async def ok() -> int:
        return 3

    async def broken() -> int:
        raise OSError("connection refused")

    await recorded(ScheduledJob.REMINDER_SCAN, ok, lambda n: f"发送 {n} 项")
    with pytest.raises(OSError):
        await recorded(ScheduledJob.MAIL_SEND, broken, str)
    rows = {r["job"]: r for r in await JobRun.select()}
    assert rows["reminder_scan"]["outcome"] == "ok" and rows["reminder_scan"]["runs"] == 1
    assert rows["mail_send"]["outcome"] == "failed" and rows["mail_send"]["failures"] == 1
    assert rows["mail_send"]["last_failed_at"] is not None
    assert (await sign_in(client, "admin")).status_code == 303
    page = await client.get("/admin/jobs")
    assert page.status_code == 200
    for text in (
        "督办提醒扫描",
        "发送 3 项",
        "失败",
        "连接数据库、Redis 或邮件服务器失败",
        "尚未运行",
    ):
        assert text in page.text
