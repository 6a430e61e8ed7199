"""The reminder scan: write each due step into the ledger once, and notify only for the rows
actually inserted, in the same transaction.

Run twice, by two workers at once, or after downtime, it sends each step once: the ledger's
unique key turns a repeat into `ON CONFLICT DO NOTHING`, and `RETURNING` names the rows this
scan won, so the notification follows the insert and never a conflict."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from backend.db.tables import ReminderLog
from backend.db.tables.reminders import dedupe_key
from backend.db.transactions import write_transaction
from backend.domain.mail.compose import MailFacts
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.domain.reminders.candidates import Candidate, due_candidates
from backend.lib.timeutil import cn_date, local_date
from backend.rules.messages import NotificationKind
from backend.rules.reminders import ReminderKind

# The message kinds of the notifications API (`reminder`, `overdue`).
NOTIFICATION_KIND = {
    ReminderKind.BEFORE_DUE: NotificationKind.REMINDER,
    ReminderKind.OVERDUE: NotificationKind.OVERDUE,
    ReminderKind.BEFORE_RESUBMIT: NotificationKind.REMINDER,
}


@dataclass(frozen=True, slots=True)
class Sent:
    enterprise: str
    obligation: str
    kind: ReminderKind
    title: str
    recipients: int


@dataclass
class ScanResult:
    as_of: dt.datetime
    dry_run: bool
    sent: list[Sent] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return sum(s.recipients for s in self.sent)


def _keys(candidate: Candidate) -> dict[int, str]:
    step, column = candidate.step, candidate.column
    return {
        r: dedupe_key(
            candidate.enterprise.id,
            column.id,
            step.kind.value,
            step.offset,
            step.target_on,
            step.version_no,
            r,
        )
        for r in candidate.recipients
    }


def message(candidate: Candidate, as_of: dt.datetime) -> tuple[str, str]:
    """The Chinese title and body of one reminder."""
    step, column, name = candidate.step, candidate.column, candidate.enterprise.name
    clause = f"（方案{column.clause}）" if column.clause else ""
    if step.kind is ReminderKind.OVERDUE:
        late = (local_date(as_of) - step.target_on).days
        return (
            f"【逾期提醒】{column.title} 已逾期 {late} 天",
            f"{name}：「{column.title}」{clause}应于 {cn_date(step.target_on)} 前报送，"
            f"至今尚未报送，已逾期 {late} 天。请尽快在工作台报送。",
        )
    if step.kind is ReminderKind.BEFORE_RESUBMIT:
        return (
            f"【退回修改提醒】{column.title} 须于 {cn_date(step.target_on)} 前重新报送",
            f"{name}：「{column.title}」{clause}第 {step.version_no} 版已被退回修改，"
            f"请于 {cn_date(step.target_on)} 前重新报送（还有 {step.offset} 个工作日）。",
        )
    return (
        f"【到期提醒】{column.title} 距报送截止还有 {step.offset} 个工作日",
        f"{name}：「{column.title}」{clause}应于 {cn_date(step.target_on)} 前报送，"
        f"距截止还有 {step.offset} 个工作日。请在工作台按时报送。",
    )


def _link(candidate: Candidate) -> str:
    return f"/workspace?year={candidate.column.due_year}#item-{candidate.column.id}"


async def _already_sent(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        rows = await ReminderLog.select(ReminderLog.dedupe_key).where(
            ReminderLog.dedupe_key.is_in(keys[start : start + 500])
        )
        found.update(r["dedupe_key"] for r in rows)
    return found


async def _send(candidate: Candidate, as_of: dt.datetime) -> int:
    """Ledger rows for one step, then a message for each row this call inserted; returns how
    many. One transaction: a crash leaves neither, so the next scan sends it again, once."""
    keys = _keys(candidate)
    step, title_body = candidate.step, message(candidate, as_of)
    rows = [
        ReminderLog(
            dedupe_key=key,
            enterprise=candidate.enterprise.id,
            obligation=candidate.column.id,
            recipient=recipient,
            kind=step.kind.value,
            step=step.offset,
            target_on=step.target_on,
            fires_on=step.fires_on,
            version_no=step.version_no,
        )
        for recipient, key in keys.items()
    ]
    async with write_transaction():
        won = (
            await ReminderLog.insert(*rows)
            .on_conflict(target=ReminderLog.dedupe_key, action="DO NOTHING")
            .returning(ReminderLog.id, ReminderLog.recipient)
        )
        ids = await deliver(
            [
                Outgoing(
                    recipient=row["recipient"],
                    kind=NOTIFICATION_KIND[step.kind],
                    title=title_body[0],
                    body=title_body[1],
                    link=_link(candidate),
                    enterprise=candidate.enterprise.id,
                    facts=MailFacts(
                        enterprise=candidate.enterprise.name,
                        obligation=candidate.column.title,
                        clause=candidate.column.clause or "",
                        due_on=step.target_on,
                    ),
                )
                for row in won
            ]
        )
        for row, notification_id in zip(won, ids, strict=True):
            await ReminderLog.update({ReminderLog.notification: notification_id}).where(
                ReminderLog.id == row["id"]
            )
    return len(won)


async def run_scan(
    as_of: dt.datetime, window_workdays: int = 5, *, dry_run: bool = False
) -> ScanResult:
    """Send (or, dry, list) every reminder due as of `as_of` that the ledger has not seen."""
    result = ScanResult(as_of, dry_run)
    candidates = await due_candidates(as_of, window_workdays)
    known = await _already_sent([k for c in candidates for k in _keys(c).values()])
    for candidate in candidates:
        if dry_run:
            count = sum(1 for k in _keys(candidate).values() if k not in known)
        elif all(k in known for k in _keys(candidate).values()):
            continue  # the common case on an hourly scan: nothing new, no write transaction
        else:
            count = await _send(candidate, as_of)
        if count:
            title = message(candidate, as_of)[0]
            column = candidate.column
            result.sent.append(
                Sent(
                    candidate.enterprise.name,
                    f"{column.code}（{column.due_year}年）",
                    candidate.step.kind,
                    title,
                    count,
                )
            )
    return result
