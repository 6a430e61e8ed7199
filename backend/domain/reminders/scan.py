"""The reminder scan: write each due step into the ledger once, and notify only for the rows
actually inserted, in the same transaction.

Run twice, by two workers at once, or after downtime, it sends each step once: the ledger's
unique key turns a repeat into `ON CONFLICT DO NOTHING`, and `RETURNING` names the rows this
scan won, so the notification follows the insert and never a conflict. Reporting cells and
整改台账 findings (findings.py) go through the same ledger, messages and e-mail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from piccolo.columns import Column

from backend.db.bulk import insert_rows
from backend.db.tables import ReminderLog
from backend.db.tables.reminders import dedupe_key
from backend.db.transactions import write_transaction
from backend.domain.mail.compose import MailFacts
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.domain.reminders.candidates import Candidate, due_candidates
from backend.domain.reminders.findings import FindingCandidate, due_finding_candidates
from backend.lib.timeutil import cn_date, local_date
from backend.rules.messages import NotificationKind
from backend.rules.reminders import ReminderKind

# The message kinds of the notifications API (`reminder`, `overdue`).
NOTIFICATION_KIND = {
    ReminderKind.BEFORE_DUE: NotificationKind.REMINDER,
    ReminderKind.OVERDUE: NotificationKind.OVERDUE,
    ReminderKind.BEFORE_RESUBMIT: NotificationKind.REMINDER,
}


Due = Candidate | FindingCandidate  # a reporting cell's step, or a finding's


@dataclass(frozen=True, slots=True)
class Sent:
    enterprise: str
    obligation: str  # the cell's obligation and year, or "整改问题：…" for a finding
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


def _keys(candidate: Due) -> dict[int, str]:
    if isinstance(candidate, FindingCandidate):
        return candidate.keys()
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


def message(candidate: Due, as_of: dt.datetime) -> tuple[str, str]:
    """The Chinese title and body of one reminder."""
    if isinstance(candidate, FindingCandidate):
        return candidate.message(as_of)
    step, column, name = candidate.step, candidate.column, candidate.enterprise.name
    clause = f"（方案{column.clause}）" if column.clause else ""
    if step.kind is ReminderKind.OVERDUE:
        late = (local_date(as_of) - step.target_on).days
        return (
            f"【逾期提醒】{column.title} 已逾期 {late} 个自然日",
            f"{name}：「{column.title}」{clause}应于 {cn_date(step.target_on)} 前报送，"
            f"至今尚未报送，已逾期 {late} 个自然日。请尽快在工作台报送。",
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


def _link(candidate: Due) -> str:
    if isinstance(candidate, FindingCandidate):
        return candidate.link
    return f"/workspace?year={candidate.column.due_year}#item-{candidate.column.id}"


async def _already_sent(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        rows = await ReminderLog.select(ReminderLog.dedupe_key).where(
            ReminderLog.dedupe_key.is_in(keys[start : start + 500])
        )
        found.update(r["dedupe_key"] for r in rows)
    return found


# Candidates per write transaction, and rows per statement (within both engines' parameter
# limits): a first scan at 10,000 enterprises writes thousands of steps in a few statements each.
BATCH = 250
ROWS_PER_STATEMENT = 500


LEDGER_COLUMNS: list[Column] = [
    ReminderLog.dedupe_key,
    ReminderLog.enterprise,
    ReminderLog.obligation,
    ReminderLog.finding,
    ReminderLog.recipient,
    ReminderLog.kind,
    ReminderLog.step,
    ReminderLog.target_on,
    ReminderLog.fires_on,
    ReminderLog.version_no,
    ReminderLog.note,
    ReminderLog.batch,
    ReminderLog.created_at,
]


def _ledger_row(candidate: Due, recipient: int, key: str, now: dt.datetime) -> tuple[Any, ...]:
    step = candidate.step
    subject: tuple[int | None, int | None] = (
        (None, candidate.finding_id)
        if isinstance(candidate, FindingCandidate)
        else (candidate.column.id, None)
    )
    return (
        key,
        candidate.enterprise.id,
        *subject,  # obligation, finding: one of the two
        recipient,
        step.kind.value,
        step.offset,
        step.target_on,
        step.fires_on,
        step.version_no,
        "",
        "",
        now,
    )


def _facts(candidate: Due) -> MailFacts:
    if isinstance(candidate, FindingCandidate):
        return candidate.facts()
    return MailFacts(
        enterprise=candidate.enterprise.name,
        obligation=candidate.column.title,
        clause=candidate.column.clause or "",
        due_on=candidate.step.target_on,
    )


def _outgoing(candidate: Due, recipient: int, as_of: dt.datetime) -> Outgoing:
    title, body = message(candidate, as_of)
    return Outgoing(
        recipient=recipient,
        kind=NOTIFICATION_KIND[candidate.step.kind],
        title=title,
        body=body,
        link=_link(candidate),
        enterprise=candidate.enterprise.id,
        facts=_facts(candidate),
    )


async def _link_notifications(pairs: list[tuple[int, int]]) -> None:
    """ledger id → notification id, one UPDATE per chunk (a CASE, portable to both engines)."""
    for start in range(0, len(pairs), ROWS_PER_STATEMENT // 2):
        chunk = pairs[start : start + ROWS_PER_STATEMENT // 2]
        cases = " ".join("WHEN {} THEN CAST({} AS INTEGER)" for _ in chunk)
        marks = ", ".join("{}" for _ in chunk)
        args = [value for pair in chunk for value in pair] + [ledger for ledger, _ in chunk]
        await ReminderLog.raw(
            f"UPDATE reminder_log SET notification = CASE id {cases} END WHERE id IN ({marks})",
            *args,
        )


async def _send(batch: list[Due], as_of: dt.datetime) -> list[int]:
    """Ledger rows for a batch of steps, then a message (and e-mail) for each row this call
    inserted; returns how many per candidate. One transaction: a crash leaves none of it, so
    the next scan sends it again, once."""
    owner: dict[str, int] = {}
    rows: list[tuple[Any, ...]] = []
    now = dt.datetime.now(dt.UTC)
    for index, candidate in enumerate(batch):
        for recipient, key in _keys(candidate).items():
            owner[key] = index
            rows.append(_ledger_row(candidate, recipient, key, now))
    counts = [0] * len(batch)
    async with write_transaction():
        won = await insert_rows(
            ReminderLog,
            LEDGER_COLUMNS,
            rows,
            skip_conflicts_on=ReminderLog.dedupe_key,
            returning=[ReminderLog.id, ReminderLog.recipient, ReminderLog.dedupe_key],
        )
        for row in won:
            counts[owner[row["dedupe_key"]]] += 1
        ids = await deliver(
            [_outgoing(batch[owner[r["dedupe_key"]]], r["recipient"], as_of) for r in won]
        )
        await _link_notifications(
            [(row["id"], notification) for row, notification in zip(won, ids, strict=True)]
        )
    return counts


def _subject(candidate: Due) -> str:
    if isinstance(candidate, FindingCandidate):
        return candidate.subject
    return f"{candidate.column.code}（{candidate.column.due_year}年度）"


async def run_scan(
    as_of: dt.datetime, window_workdays: int = 5, *, dry_run: bool = False
) -> ScanResult:
    """Send (or, dry, list) every reminder due as of `as_of` that the ledger has not seen."""
    result = ScanResult(as_of, dry_run)
    candidates: list[Due] = [*await due_candidates(as_of, window_workdays)]
    candidates += await due_finding_candidates(as_of)
    known = await _already_sent([k for c in candidates for k in _keys(c).values()])
    if dry_run:
        counts = [sum(1 for k in _keys(c).values() if k not in known) for c in candidates]
    else:
        # the common case on an hourly scan: nothing new, no write transaction at all
        todo = [c for c in candidates if any(k not in known for k in _keys(c).values())]
        candidates, counts = todo, []
        for start in range(0, len(todo), BATCH):
            counts += await _send(todo[start : start + BATCH], as_of)
    for candidate, count in zip(candidates, counts, strict=True):
        if count:
            title = message(candidate, as_of)[0]
            result.sent.append(
                Sent(
                    candidate.enterprise.name,
                    _subject(candidate),
                    candidate.step.kind,
                    title,
                    count,
                )
            )
    return result
