"""E-mail goes out every minute in the worker (arq cron) and in the web process without Redis;
the digest job runs hourly and at start-up, so a worker down at 09:00 still sends today's."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from backend.db.tables import Account, JobRun, MailOutbox
from backend.domain.mail import runner
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.domain.reminders.runner import reviewer_digest_job
from backend.rules.messages import NotificationKind
from backend.settings import get_settings
from tasks.worker import WorkerSettings
from tests.smtp import SmtpServer


def test_the_worker_sends_mail_each_minute_and_the_digest_hourly() -> None:
    by_function = {j.coroutine: j for j in WorkerSettings.cron_jobs}
    mail = by_function[runner.send_mail_job]
    assert mail.second == {15} and mail.minute is None and mail.unique
    digest = by_function[reviewer_digest_job]
    assert digest.minute == {0} and digest.run_at_startup and digest.unique


async def test_in_process_sender_without_redis(
    tenant_accounts: dict[str, int], smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await Account.update({Account.email: "ent_g@example.cn"}).where(
        Account.id == tenant_accounts["ent_g"]
    )
    await deliver(
        [Outgoing(recipient=tenant_accounts["ent_g"], kind=NotificationKind.CHASE, title="催报")]
    )
    settings = dataclasses.replace(get_settings(), redis_url="", reminder_scan_in_process=True)
    monkeypatch.setattr(runner, "get_settings", lambda: settings)
    monkeypatch.setattr(runner, "FIRST_RUN_DELAY_SECONDS", 0)
    async with runner.mail_scheduler():
        for _ in range(100):
            if smtp_server.inbox.messages:
                break
            await asyncio.sleep(0.05)
    assert len(smtp_server.inbox.messages) == 1
    assert await MailOutbox.count().where(MailOutbox.status == "sent") == 1
    run = await JobRun.select().where(JobRun.job == "mail_send").first()
    assert run is not None and run["outcome"] == "ok" and "发送 1 封" in run["summary"]


async def test_the_send_job_is_safe_to_repeat(
    tenant_accounts: dict[str, int], smtp_server: SmtpServer
) -> None:
    await Account.update({Account.email: "ent_u@example.cn"}).where(
        Account.id == tenant_accounts["ent_u"]
    )
    await deliver(
        [Outgoing(recipient=tenant_accounts["ent_u"], kind=NotificationKind.OVERDUE, title="逾期")]
    )
    assert "发送 1 封" in await runner.send_mail_job({"job_try": 1})
    assert await runner.send_mail_job({"job_try": 2}) == "没有待发送的邮件。"
    assert len(smtp_server.inbox.messages) == 1


async def test_with_redis_down_the_pages_serve_and_say_so(
    tenant_accounts: dict[str, int],
) -> None:
    """No Redis: the 后台任务 page, 发送记录, messages and the API still answer, quickly, and the
    administrator reads a plain Chinese notice that reminders and e-mail will catch up."""
    import time
    from dataclasses import replace

    from backend.app import create_app
    from tests.conftest import client_for
    from tests.fixtures import sign_in

    app = create_app(replace(get_settings(), redis_url="redis://127.0.0.1:1/0"))
    async with app.lifespan(), client_for(app) as client:
        assert (await sign_in(client, "admin")).status_code == 303
        started = time.monotonic()
        page = await client.get("/admin/jobs")
        assert page.status_code == 200
        assert "后台任务服务（Redis）暂时无法连接" in page.text and "不会丢失" in page.text
        for path in ("/admin/mail", "/notifications", "/api/v1/notifications", "/admin/reminders"):
            assert (await client.get(path)).status_code == 200, path
        assert time.monotonic() - started < 10
