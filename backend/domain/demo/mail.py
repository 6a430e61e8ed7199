"""Demo e-mail: addresses on the demo accounts, a few outbox rows (sent, one waiting for a retry,
one failed) made from their real messages, and the reviewers' latest digest, so that 我的邮箱,
发送记录 and 后台任务 show something after `make run` (which has no mail server)."""

from __future__ import annotations

import datetime as dt

from backend.db.tables import Account, MailOutbox, Notification
from backend.domain.mail.compose import compose
from backend.domain.reminders.digest import run_digest
from backend.lib.timeutil import TZ, now
from backend.rules.messages import DIGEST_HOUR, MAX_ATTEMPTS, OutboxStatus
from backend.rules.workdays import last_workday_on_or_before

ADDRESSES = {
    "admin": "admin@gzw.baotou.example",
    "reviewer": "shenhe@gzw.baotou.example",
    "qiye_admin": "hegui@qiye-a.example",
    "qiye_user": "tianbao@qiye-b.example",
}
FAILED_REASON = "无法连接邮件服务器（smtp.gzw.baotou.example:25）。"


async def _latest_digest_moment() -> dt.datetime:
    """09:00 of the latest working day whose 09:00 has passed."""
    today = now()
    day = last_workday_on_or_before(today.date())
    if day == today.date() and today.hour < DIGEST_HOUR:
        day = last_workday_on_or_before(day - dt.timedelta(days=1))
    return dt.datetime(day.year, day.month, day.day, DIGEST_HOUR, 5, tzinfo=TZ)


async def load_demo_mail() -> int:
    """Returns how many outbox rows it wrote."""
    for username, address in ADDRESSES.items():
        await Account.update({Account.email: address}).where(Account.username == username)
    await run_digest(await _latest_digest_moment())
    accounts = {
        r["id"]: r
        for r in await Account.select(Account.id, Account.email, Account.display_name).where(
            Account.email != ""
        )
    }
    notes = (
        await Notification.select()
        .where(Notification.recipient.is_in(list(accounts) or [0]))
        .order_by(Notification.id, ascending=False)
        .limit(6)
    )
    moment = dt.datetime.now(dt.UTC)
    rows = []
    for index, note in enumerate(notes):
        account = accounts[note["recipient"]]
        subject, body = compose(
            recipient=account["display_name"],
            title=note["title"],
            body=note["body"],
            link=note["link"],
        )
        status, attempts, error = OutboxStatus.SENT, 1, ""
        if index == 0:
            status, attempts, error = OutboxStatus.FAILED, MAX_ATTEMPTS, FAILED_REASON
        elif index == 1:
            status, attempts, error = OutboxStatus.PENDING, 2, FAILED_REASON
        sent_at = moment if status is OutboxStatus.SENT else None
        rows.append(
            MailOutbox(
                notification=note["id"],
                recipient=note["recipient"],
                to_address=account["email"],
                kind=note["kind"],
                subject=subject,
                body=body,
                status=status.value,
                attempts=attempts,
                next_attempt_at=moment + dt.timedelta(minutes=5),
                sent_at=sent_at,
                last_error=error,
            )
        )
    if rows:
        await MailOutbox.insert(*rows)
    return len(rows)
