"""E-mail through the outbox, against a real SMTP server on loopback (aiosmtpd): every message
to an account with an address gets one e-mail, written with the message; the sender claims rows
so two workers send each once; a server that is down leaves the row waiting (and visible on 发送
记录), and the e-mail goes out when it is back."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from backend.db.tables import Account, AuditEvent, MailOutbox, Notification
from backend.domain.mail.compose import MailFacts
from backend.domain.mail.sender import send_due
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.domain.reminders.scan import run_scan
from backend.rules.messages import MAX_ATTEMPTS, NotificationKind, email_problem
from tests import factories as f
from tests.fixtures import at, csrf_token, sign_in
from tests.smtp import BASE_URL, SmtpServer


async def _give_addresses(accounts: dict[str, int], *names: str) -> dict[str, str]:
    addresses = {}
    for name in names:
        addresses[name] = f"{name}@example.cn"
        await Account.update({Account.email: addresses[name]}).where(Account.id == accounts[name])
    return addresses


def test_addresses_are_checked_in_chinese() -> None:
    assert email_problem("") is None
    assert email_problem("zhang.san@gzw.example.cn") is None
    for bad in ("zhangsan", "a@b", "a b@c.cn", "a@@c.cn", "a..b@c.cn", "x" * 250 + "@c.cn"):
        assert email_problem(bad) is not None and "邮箱" in str(email_problem(bad))


async def test_a_scan_run_twice_sends_one_email_per_recipient(
    tenant_accounts: dict[str, int], smtp_server: SmtpServer
) -> None:
    addresses = await _give_addresses(tenant_accounts, "ent_g", "ent_u")
    first = await run_scan(at(2024, 12, 30, 9))  # 1 working day before 31 December
    assert first.messages > 0
    # the outbox row is written with the message, for recipients with an address only
    queued = await MailOutbox.count()
    to_g = await Notification.count().where(Notification.recipient == tenant_accounts["ent_g"])
    to_u = await Notification.count().where(Notification.recipient == tenant_accounts["ent_u"])
    assert queued == to_g + to_u > 0
    await run_scan(at(2024, 12, 30, 10))
    assert await MailOutbox.count() == queued
    sent = await send_due()
    assert sent.sent == queued and sent.failed == 0
    again = await send_due()
    assert again.sent == 0
    assert len(smtp_server.inbox.messages) == queued
    assert len(smtp_server.inbox.to(addresses["ent_g"])) == to_g
    mail = next(
        m
        for m in smtp_server.inbox.to(addresses["ent_u"])
        if str(m["Subject"]).startswith("【合规督导】【到期提醒】")
    )
    text = mail.get_content()
    assert "2024年12月31日" in text and "企业：" in text and "事项：" in text
    assert f"{BASE_URL}/workspace?year=" in text  # an absolute link to the item
    assert await MailOutbox.count().where(MailOutbox.status == "sent") == queued


async def test_two_senders_at_once_send_each_email_once(
    tenant_accounts: dict[str, int], smtp_server: SmtpServer
) -> None:
    await _give_addresses(tenant_accounts, "ent_g")
    await deliver(
        [
            Outgoing(
                recipient=tenant_accounts["ent_g"],
                kind=NotificationKind.CHASE,
                title=f"【催报】第 {n} 条",
                body="请尽快报送。",
                link="/workspace",
                facts=MailFacts(
                    enterprise="示例集团", obligation="合规管理制度", clause="四（二）"
                ),
            )
            for n in range(12)
        ]
    )
    one, two = await asyncio.gather(send_due(limit=5), send_due(limit=5))
    assert one.sent + two.sent == 12
    subjects = [str(m["Subject"]) for m in smtp_server.inbox.messages]
    assert len(subjects) == len(set(subjects)) == 12


async def test_server_down_then_back(
    app: object,
    client: httpx.AsyncClient,
    tenant_accounts: dict[str, int],
    smtp_server: SmtpServer,
) -> None:
    await _give_addresses(tenant_accounts, "ent_u")
    await deliver(
        [
            Outgoing(
                recipient=tenant_accounts["ent_u"],
                kind=NotificationKind.OVERDUE,
                title="【逾期提醒】合规管理制度 已逾期 3 天",
                body="请尽快报送。",
                link="/workspace",
            )
        ]
    )
    smtp_server.stop()
    down = await send_due()
    assert down.sent == 0 and down.retrying == 1
    row = await MailOutbox.objects().first()
    assert row is not None and row.status == "pending" and row.attempts == 1
    assert "无法连接邮件服务器" in row.last_error
    # not due again before its backoff
    assert (await send_due()).retrying == 0

    # 发送记录 shows it waiting, with the reason, to the system administrator
    assert (await sign_in(client, "admin")).status_code == 303
    page = await client.get("/admin/mail?status=pending")
    assert page.status_code == 200
    assert "无法连接邮件服务器" in page.text and "待发送" in page.text
    assert "ent_u@example.cn" in page.text

    smtp_server.start()
    token = await csrf_token(client, "/admin/mail")
    retried = await client.post(
        f"/admin/mail/{row.id}/retry", data={"_csrf_token": token}, follow_redirects=False
    )
    assert retried.status_code == 303
    audit = await AuditEvent.select(AuditEvent.entity_id).where(AuditEvent.action == "mail_retry")
    assert [a["entity_id"] for a in audit] == [str(row.id)]
    back = await send_due()
    assert back.sent == 1 and len(smtp_server.inbox.messages) == 1
    done = await client.get("/admin/mail?status=sent&sort=-sent")
    assert "已发送" in done.text and "ent_u@example.cn" in done.text


async def test_after_the_last_try_the_row_is_failed_not_lost(
    tenant_accounts: dict[str, int], smtp_server: SmtpServer
) -> None:
    await _give_addresses(tenant_accounts, "ent_g")
    await deliver(
        [Outgoing(recipient=tenant_accounts["ent_g"], kind=NotificationKind.REVIEW, title="审核")]
    )
    smtp_server.stop()
    for _ in range(MAX_ATTEMPTS):
        await MailOutbox.update({MailOutbox.next_attempt_at: dt.datetime.now(dt.UTC)}).where(
            MailOutbox.id > 0
        )
        await send_due()
    row = await MailOutbox.objects().first()
    assert row is not None and row.status == "failed" and row.attempts == MAX_ATTEMPTS


async def test_no_outbox_without_smtp_or_without_an_address(
    tenant_accounts: dict[str, int],
) -> None:
    await _give_addresses(tenant_accounts, "ent_g")
    await run_scan(at(2024, 12, 30, 9))  # SMTP not configured in this test
    assert await Notification.count() > 0 and await MailOutbox.count() == 0


async def test_a_submission_mails_the_reviewers(
    roster: dict[str, int], tenant_accounts: dict[str, int], smtp_server: SmtpServer
) -> None:
    from backend.domain.notifications.reviewers import notify_reviewers

    await _give_addresses(tenant_accounts, "reviewer")
    b1 = await f.obligation_id("B1", 2024)
    await notify_reviewers(1, roster["G"], b1, 2)
    assert await MailOutbox.count() == 1
    await send_due()
    mail = smtp_server.inbox.messages[0]
    assert "【重新报送】" in str(mail["Subject"]) and f"{BASE_URL}/reviews/1" in mail.get_content()
