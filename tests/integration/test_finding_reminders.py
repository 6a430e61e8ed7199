"""The reminder scan reminds about 整改台账 findings as it does about cells: before the 整改时限,
overdue after it, each step once per recipient (run twice, or after downtime: the latest step
only), to the accounts of the finding's group only; nothing once 销号 was asked or granted."""

from __future__ import annotations

import datetime as dt

import httpx

from backend.db.tables import Account, Finding, FindingEvent, MailOutbox, Notification, ReminderLog
from backend.domain.reminders.runner import lines
from backend.domain.reminders.scan import run_scan
from backend.rules.workdays import subtract_workdays
from tests.fixtures import at, sign_in
from tests.smtp import SmtpServer

DEADLINE = dt.date(2024, 11, 29)  # a Friday
TEXT = (
    "合同审查流程未嵌入信息系统，重要合同存在先签后审的情况，需补建线上审批节点并完成历史合同复核"
)


async def finding(
    enterprise: int,
    group: int,
    events: list[tuple[str, dt.datetime]] = (),  # type: ignore[assignment]
    deadline: dt.date = DEADLINE,
) -> int:
    rows = await Finding.insert(
        Finding(
            source="sasac_supervision",
            enterprise=enterprise,
            group_id=group,
            description=TEXT,
            severity="general",
            rectification_type="deadline",
            owner_name="李四",
            deadline=deadline,
            raised_at=at(2024, 9, 2),
        )
    ).returning(Finding.id)
    for kind, moment in [("raised", at(2024, 9, 2)), *events]:
        await FindingEvent.insert(
            FindingEvent(finding=rows[0]["id"], kind=kind, happened_at=moment)
        )
    return int(rows[0]["id"])


async def rows_of(finding_id: int) -> list[dict]:
    return await ReminderLog.select(
        ReminderLog.recipient, ReminderLog.kind, ReminderLog.step, ReminderLog.obligation
    ).where(ReminderLog.finding == finding_id)


async def test_due_in_five_working_days_once_per_recipient_of_its_group(
    roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    own = await finding(roster["G1"], roster["G"])  # a subsidiary's finding: group G hears it
    other = await finding(roster["U"], roster["U"])
    moment = at(2024, 11, 22, 9)
    assert subtract_workdays(DEADLINE, 5) == moment.date()
    first = await run_scan(moment)
    await run_scan(at(2024, 11, 22, 10))  # the hourly repeat: nothing new
    rows = await rows_of(own)
    assert sorted(r["recipient"] for r in rows) == sorted(
        [tenant_accounts["ent_g"], tenant_accounts["ent_g_user"]]
    )
    assert {(r["kind"], r["step"], r["obligation"]) for r in rows} == {("before_due", 5, None)}
    # tenancy: the other group's finding reaches its own account only
    assert [r["recipient"] for r in await rows_of(other)] == [tenant_accounts["ent_u"]]
    note = await Notification.objects().where(Notification.link == f"/findings/{own}").first()
    assert note is not None and note.kind == "reminder"
    assert note.recipient in (tenant_accounts["ent_g"], tenant_accounts["ent_g_user"])
    assert "距整改时限还有 5 个工作日" in note.title
    assert "示例子公司甲（示例）" in note.body and "2024年11月29日" in note.body
    assert TEXT[:20] in note.body and TEXT not in note.body  # the description, shortened
    listed = [line for line in lines(first) if "整改问题：" in line]
    assert len(listed) == 2 and all("到期提醒｜" in line for line in listed)


async def test_an_overdue_finding_gets_one_overdue_notice(
    roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    late = await finding(roster["G"], roster["G"], [("progress", at(2024, 10, 8))])
    await run_scan(at(2024, 11, 30, 9))  # Saturday: overdue, but the notice waits
    assert await rows_of(late) == []
    await run_scan(at(2024, 12, 2, 9))  # the first working day after the deadline
    await run_scan(at(2024, 12, 2, 15))
    await run_scan(at(2024, 12, 6, 9))
    rows = await rows_of(late)
    assert len(rows) == 2 and {(r["kind"], r["step"]) for r in rows} == {("overdue", 1)}
    note = await Notification.objects().where(Notification.link == f"/findings/{late}").first()
    assert note is not None and note.kind == "overdue"
    assert "已逾期 3 个自然日" in note.title and "2024年11月29日" in note.body
    await run_scan(at(2024, 12, 9, 9))  # five working days on: the repeat, once
    assert len(await rows_of(late)) == 4


async def test_closed_and_awaiting_check_findings_get_nothing(
    roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    closed = await finding(
        roster["G"],
        roster["G"],
        [("close_request", at(2024, 11, 1)), ("closed", at(2024, 11, 5))],
    )
    waiting = await finding(roster["G"], roster["G"], [("close_request", at(2024, 11, 20))])
    asked_late = await finding(roster["G"], roster["G"], [("close_request", at(2024, 12, 3))])
    for moment in (at(2024, 11, 22, 9), at(2024, 11, 28, 9), at(2024, 12, 4, 9)):
        await run_scan(moment)
    assert await rows_of(closed) == [] and await rows_of(waiting) == []
    # asked on 3 December, after the deadline: still 逾期 in the 台账, but the enterprise has
    # done its part and waits on SASAC: reminded before the deadline, no overdue notice after
    steps = sorted({(r["kind"], r["step"]) for r in await rows_of(asked_late)})
    assert steps == [("before_due", 1), ("before_due", 5)]


async def test_after_downtime_only_the_latest_step(
    roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    one = await finding(roster["G"], roster["G"])
    await run_scan(at(2024, 11, 14, 9))  # before the 10-working-day step
    assert await rows_of(one) == []
    # down from 14 November to 10 December: the 10/5/1-day steps and the first notice missed
    await run_scan(at(2024, 12, 10, 9))
    rows = await rows_of(one)
    assert len(rows) == 2 and {(r["kind"], r["step"]) for r in rows} == {("overdue", 6)}


async def test_the_ledger_api_and_the_email_name_the_finding(
    client: httpx.AsyncClient,
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
    smtp_server: SmtpServer,
) -> None:
    address = "ent_g@example.cn"
    await Account.update({Account.email: address}).where(Account.id == tenant_accounts["ent_g"])
    own = await finding(roster["G1"], roster["G"])
    await run_scan(at(2024, 11, 22, 9))
    mail = next(
        m
        for m in await MailOutbox.select().where(MailOutbox.to_address == address)
        if "整改" in m["subject"]
    )
    assert mail["subject"].startswith("【合规督导】【整改到期提醒】")
    assert "整改问题：" in mail["body"] and "整改时限：2024年11月29日" in mail["body"]
    assert f"/findings/{own}" in mail["body"] and "企业：示例子公司甲（示例）" in mail["body"]

    await sign_in(client, "ent_g")
    ledger = (await client.get("/api/v1/reminders?page_size=100")).json()
    about = [r for r in ledger["items"] if r["finding_id"] == own]
    assert len(about) == 2
    assert about[0]["obligation_id"] is None and about[0]["kind_label"] == "到期提醒"
    assert about[0]["obligation"].startswith("整改问题：合同审查流程")
    assert about[0]["enterprise"] == "示例子公司甲（示例）"
