"""The reviewers' daily digest: at 09:00 Shanghai on working days, each active reviewer gets one
message (and e-mail) of what waits in the review queue. The `digest_log` unique key (day,
reviewer) makes it happen once; a worker that was down at 09:00 sends today's on its next run,
never a stale one for a day gone by."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.db.tables import Account, DigestLog
from backend.db.transactions import write_transaction
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.domain.notifications.reviewers import REVIEWER_ROLES
from backend.domain.reviews.queue import review_queue
from backend.lib.timeutil import TZ, cn_date, cn_datetime, local_date
from backend.rules.messages import DIGEST_HOUR, REVIEW_DUE_WORKDAYS, NotificationKind
from backend.rules.workdays import is_workday, workdays_between


@dataclass
class DigestResult:
    day: dt.date
    sent: int = 0
    skipped: str = ""  # why nothing went out (not a working day, before 09:00)

    def summary(self) -> str:
        if self.skipped:
            return f"{cn_date(self.day)}：{self.skipped}"
        return f"{cn_date(self.day)}：待审核汇总发送 {self.sent} 人。"


@dataclass(frozen=True, slots=True)
class QueueFacts:
    waiting: int
    overdue: int
    oldest_at: dt.datetime | None
    oldest_label: str


async def queue_facts(as_of: dt.datetime) -> QueueFacts:
    """The whole queue, oldest first (the queue's own order), counted once for all reviewers."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        chunk = await review_queue(page=page, page_size=500)
        rows.extend(chunk["rows"])
        if page >= chunk["pages"]:
            break
        page += 1
    day = local_date(as_of)
    overdue = sum(
        1
        for r in rows
        if workdays_between(local_date(r["submitted_at"]), day) > REVIEW_DUE_WORKDAYS
    )
    if not rows:
        return QueueFacts(0, 0, None, "")
    oldest = rows[0]
    label = (
        f"{oldest['enterprise_name']}「{oldest['obligation_title']}」第 {oldest['version_no']} 版"
    )
    return QueueFacts(len(rows), overdue, oldest["submitted_at"], label)


def digest_message(facts: QueueFacts, day: dt.date) -> tuple[str, str]:
    if facts.waiting == 0:
        return (
            f"【待审核汇总】{cn_date(day)}：没有待审核的报送",
            "审核队列已清空，今天没有等待审核的报送材料。",
        )
    parts = [f"审核队列中有 {facts.waiting} 份报送等待审核"]
    if facts.overdue:
        parts.append(f"其中 {facts.overdue} 份已等待超过 {REVIEW_DUE_WORKDAYS} 个工作日")
    body = "，".join(parts) + "。"
    if facts.oldest_at is not None:
        body += f"等待最久的是 {facts.oldest_label}，{cn_datetime(facts.oldest_at)} 报送。"
    return f"【待审核汇总】{cn_date(day)}：{facts.waiting} 份待审核", body


def _key(day: dt.date, recipient: int) -> str:
    return f"digest:{day.isoformat()}:{recipient}"


async def run_digest(as_of: dt.datetime | None = None) -> DigestResult:
    moment = (as_of or dt.datetime.now(dt.UTC)).astimezone(TZ)
    day = moment.date()
    result = DigestResult(day)
    if not is_workday(day):
        result.skipped = "非工作日，不发送待审核汇总。"
        return result
    if moment.hour < DIGEST_HOUR:
        result.skipped = f"未到 {DIGEST_HOUR}:00，待审核汇总稍后发送。"
        return result
    reviewers = await Account.select(Account.id).where(
        Account.active == True,  # noqa: E712 (a column expression)
        Account.role.is_in(list(REVIEWER_ROLES)),
    )
    keys = {r["id"]: _key(day, r["id"]) for r in reviewers}
    done = {
        r["dedupe_key"]
        for r in await DigestLog.select(DigestLog.dedupe_key).where(
            DigestLog.dedupe_key.is_in(list(keys.values()) or [""])
        )
    }
    todo = [rid for rid, key in keys.items() if key not in done]
    if not todo:
        return result
    title, body = digest_message(await queue_facts(moment), day)
    for recipient in todo:
        async with write_transaction():
            won = (
                await DigestLog.insert(
                    DigestLog(dedupe_key=keys[recipient], recipient=recipient, digest_on=day)
                )
                .on_conflict(target=DigestLog.dedupe_key, action="DO NOTHING")
                .returning(DigestLog.id)
            )
            if not won:
                continue  # another worker sent this one
            ids = await deliver(
                [
                    Outgoing(
                        recipient=recipient,
                        kind=NotificationKind.DIGEST,
                        title=title,
                        body=body,
                        link="/reviews",
                    )
                ]
            )
            await DigestLog.update({DigestLog.notification: ids[0]}).where(
                DigestLog.id == won[0]["id"]
            )
            result.sent += 1
    return result
