"""The reminder scan writes each step once: run twice, two at once, or after downtime."""

from __future__ import annotations

import asyncio
import datetime as dt

from backend.db.tables import Notification, ReminderLog, Review
from backend.domain.reminders.scan import run_scan
from tests import factories as f
from tests.fixtures import at


async def _counts() -> tuple[int, int]:
    return await ReminderLog.count(), await Notification.count()


async def test_the_same_scan_twice_sends_nothing_new(tenant_accounts: dict[str, int]) -> None:
    first = await run_scan(at(2024, 12, 30, 9))  # 1 working day before 31 December
    assert first.messages > 0
    ledger, messages = await _counts()
    assert ledger == messages == first.messages
    # every enterprise account of a group hears it; SASAC accounts do not
    heard = {r["recipient"] for r in await Notification.select(Notification.recipient)}
    assert heard == {tenant_accounts[k] for k in ("ent_g", "ent_g_user", "ent_u")}
    b1 = await f.obligation_id("B1", 2024)
    note = await Notification.objects().where(Notification.link.like(f"%#item-{b1}")).first()
    assert note is not None and note.kind == "reminder"
    assert "距报送截止还有 1 个工作日" in note.title and "2024年12月31日" in note.body

    again = await run_scan(at(2024, 12, 30, 10))
    assert again.sent == [] and await _counts() == (ledger, messages)
    unlinked = await ReminderLog.count().where(ReminderLog.notification.is_null())
    assert unlinked == 0


async def test_two_scans_at_once_send_once(tenant_accounts: dict[str, int]) -> None:
    moment = at(2024, 12, 30, 9)
    one, two = await asyncio.gather(run_scan(moment), run_scan(moment))
    ledger, messages = await _counts()
    assert ledger == messages == one.messages + two.messages > 0
    alone = await run_scan(moment, dry_run=True)
    assert alone.sent == []  # nothing left to send: the two scans split the work, no repeats


async def test_after_downtime_the_latest_step_once(tenant_accounts: dict[str, int]) -> None:
    b1 = await f.obligation_id("B1", 2024)
    await run_scan(at(2024, 12, 10, 9))  # before any step for 31 December
    assert await ReminderLog.count().where(ReminderLog.obligation == b1) == 0
    # the worker was down from 10 December to 3 January: the 10/5/1-day steps were missed
    resumed = await run_scan(at(2025, 1, 3, 9))
    rows = await ReminderLog.select(ReminderLog.kind, ReminderLog.step).where(
        ReminderLog.obligation == b1
    )
    assert len(rows) == 3  # one per enterprise account of the two groups
    assert {(r["kind"], r["step"]) for r in rows} == {("overdue", 1)}
    assert any(s.kind == "overdue" for s in resumed.sent)
    await run_scan(at(2025, 1, 8, 9))  # nothing new for B1 until the next step on the 9th
    assert await ReminderLog.count().where(ReminderLog.obligation == b1) == 3
    await run_scan(at(2025, 1, 9, 9))
    assert await ReminderLog.count().where(ReminderLog.obligation == b1, ReminderLog.step == 6) == 3


async def test_dry_run_writes_nothing(tenant_accounts: dict[str, int]) -> None:
    dry = await run_scan(at(2024, 12, 30, 9), dry_run=True)
    assert dry.messages > 0 and await _counts() == (0, 0)
    real = await run_scan(at(2024, 12, 30, 9))
    assert real.messages == dry.messages


async def test_a_submission_stops_the_reminders(
    roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    b1 = await f.obligation_id("B1", 2024)
    await f.submit(roster["G"], b1, at(2024, 12, 20))
    await run_scan(at(2024, 12, 30, 9))
    rows = await ReminderLog.select(ReminderLog.recipient, ReminderLog.enterprise).where(
        ReminderLog.obligation == b1
    )
    assert {(r["enterprise"], r["recipient"]) for r in rows} == {
        (roster["U"], tenant_accounts["ent_u"])
    }


async def test_a_returned_version_is_reminded_before_its_resubmission_deadline(
    roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    b2 = await f.obligation_id("B2", 2024)
    version = await f.submit(roster["U"], b2, at(2024, 12, 2))
    await f.review(version, "return", at(2024, 12, 5))
    await Review.update({Review.resubmit_by: dt.date(2024, 12, 13)}).where(
        Review.version == version
    )
    assert not [s for s in (await run_scan(at(2024, 12, 10, 9))).sent if "B2" in s.obligation]
    sent = [s for s in (await run_scan(at(2024, 12, 11, 9))).sent if "B2" in s.obligation]
    assert [(s.kind, s.recipients) for s in sent] == [("before_resubmit", 1)]
    note = await Notification.objects().where(Notification.title.like("【退回修改提醒】%")).first()
    assert note is not None and "2024年12月13日" in note.body and "第 1 版" in note.body
