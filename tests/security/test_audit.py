"""The audit trail: hash chain, tamper detection, redaction, serialised appends, search."""

from __future__ import annotations

import asyncio
import datetime as dt

from backend.db.tables.accounts import Account, AuditEvent
from backend.lib.timeutil import TZ
from backend.security import audit
from backend.security.audit import SYSTEM, Actor, AuditAction
from tests.tampering import guards_lifted


async def _account(name: str = "张三") -> Actor:
    rows = await Account.insert(Account(username=f"u-{name}", display_name=name, role="admin"))
    return Actor(rows[0]["id"], name, enterprise_id=7, ip="10.0.0.8")


async def _five() -> list[int]:
    actor = await _account()
    return [
        await audit.record(AuditAction.REVIEW, actor, entity="submission", entity_id=i)
        for i in range(5)
    ]


async def test_records_chain_and_verify(db: None) -> None:
    actor = await _account()
    first = await audit.record(AuditAction.LOGIN, actor)
    second = await audit.record(
        AuditAction.USER_UPDATE, actor, entity="account", entity_id=3, changes={"role": "x"}
    )
    await audit.record(AuditAction.EXPORT, SYSTEM, enterprise_id=5)
    rows = await AuditEvent.select().order_by(AuditEvent.id)
    assert [r["id"] for r in rows[:2]] == [first, second]
    assert rows[0]["prev_hash"] == "0" * 64
    assert rows[1]["prev_hash"] == rows[0]["row_hash"]
    assert (rows[0]["actor"], rows[0]["enterprise_id"], rows[0]["ip"]) == (actor.id, 7, "10.0.0.8")
    assert (rows[2]["actor"], rows[2]["actor_name"], rows[2]["enterprise_id"]) == (None, "系统", 5)
    result = await audit.verify_chain()
    assert result.ok and result.checked == 3 and result.first_bad_id is None
    assert result.message == "操作日志完整：共 3 条，哈希链校验通过。"


async def test_empty_log_verifies(db: None) -> None:
    result = await audit.verify_chain()
    assert result.ok and result.checked == 0


async def test_edited_row_is_detected(db: None) -> None:
    ids = await _five()
    async with guards_lifted():
        await AuditEvent.update({AuditEvent.action: AuditAction.LOGIN}).where(
            AuditEvent.id == ids[2]
        )
    result = await audit.verify_chain()
    assert not result.ok and result.first_bad_id == ids[2] and result.checked == 2
    assert result.message == f"第 {ids[2]} 条记录的哈希值与内容不符，记录可能被篡改。"


async def test_deleted_middle_row_is_detected(db: None) -> None:
    ids = await _five()
    async with guards_lifted():
        await AuditEvent.delete().where(AuditEvent.id == ids[2])
    result = await audit.verify_chain()
    assert not result.ok and result.first_bad_id == ids[3]
    assert (
        result.message == f"第 {ids[3]} 条记录的前序哈希与第 {ids[1]} 条不符，其间记录可能被删除。"
    )


async def test_rehashed_edit_still_breaks_the_link(db: None) -> None:
    ids = await _five()
    async with guards_lifted():
        await AuditEvent.update({AuditEvent.row_hash: "f" * 64}).where(AuditEvent.id == ids[1])
    result = await audit.verify_chain()
    assert not result.ok and result.first_bad_id == ids[1]


async def test_secrets_are_redacted(db: None) -> None:
    changes = {"password": "hunter2", "nested": {"api_token": "abc", "Client_Secret": 1}, "n": 1}
    await audit.record(AuditAction.PASSWORD_CHANGE, SYSTEM, changes=changes)
    row = await AuditEvent.select(AuditEvent.changes).output(load_json=True).first()
    assert row is not None
    assert row["changes"] == {
        "password": "***",
        "nested": {"api_token": "***", "Client_Secret": "***"},
        "n": 1,
    }
    text = str(await AuditEvent.select(AuditEvent.changes).first())
    assert "hunter2" not in text and "abc" not in text
    assert (await audit.verify_chain()).ok


async def test_concurrent_records_form_one_chain(db: None) -> None:
    actor = await _account()
    ids = await asyncio.gather(
        *(audit.record(AuditAction.REVIEW, actor, entity_id=i) for i in range(20))
    )
    assert len(set(ids)) == 20
    rows = await AuditEvent.select(AuditEvent.prev_hash).order_by(AuditEvent.id)
    assert len({r["prev_hash"] for r in rows}) == 20  # no two rows share a predecessor
    result = await audit.verify_chain()
    assert result.ok and result.checked == 20, result.message


async def test_chinese_text_and_dates_round_trip(db: None) -> None:
    actor = await _account("李四\r\n2026-01-01 admin login")
    changes = {
        "名称": {"old": "示例集团（旧）", "new": "示例集团"},
        "due": dt.date(2023, 12, 20),
        "at": dt.datetime(2023, 5, 20, 10, 0, tzinfo=dt.UTC),
        "score": 1.5,
        "nan": float("nan"),
        3: ["甲", "乙"],
    }
    await audit.record(AuditAction.ENTERPRISE_UPDATE, actor, entity="企业", changes=changes)
    row = await AuditEvent.select().output(load_json=True).first()
    assert row is not None
    assert row["changes"]["名称"]["new"] == "示例集团"
    assert row["changes"]["due"] == "2023-12-20"
    assert row["changes"]["at"] == "2023-05-20T10:00:00+00:00"
    assert row["changes"]["3"] == ["甲", "乙"] and row["changes"]["nan"] == "nan"
    assert "\n" not in row["actor_name"] and "\r" not in row["actor_name"]
    assert (await audit.verify_chain()).ok


async def test_record_joins_outer_transaction(db: None) -> None:
    from backend.db.transactions import write_transaction

    await audit.record(AuditAction.LOGIN, SYSTEM)
    try:
        async with write_transaction():
            await audit.record(AuditAction.USER_DISABLE, SYSTEM)
            raise RuntimeError("the change fails")
    except RuntimeError:
        pass
    assert await AuditEvent.count() == 1
    await audit.record(AuditAction.LOGOUT, SYSTEM)
    assert (await audit.verify_chain()).checked == 2


async def test_search_filters_and_pages(db: None) -> None:
    actor = await _account("王五")
    for i in range(3):
        await audit.record(AuditAction.REVIEW, actor, enterprise_id=1, entity_id=i)
    await audit.record(AuditAction.EXPORT, SYSTEM, enterprise_id=2)
    today = dt.datetime.now(TZ).date()
    rows, total = await audit.search(
        action="review", actor="王", enterprise_id=1, since=today, until=today, page=1, page_size=2
    )
    assert total == 3 and [r["entity_id"] for r in rows] == ["2", "1"]
    assert rows[0]["action_label"] == "审核" and rows[0]["actor_id"] == actor.id
    rows, total = await audit.search(
        action=None, actor=None, enterprise_id=None, since=None, until=None, page=1, page_size=10
    )
    assert total == 4 and rows[0]["action"] == "export"
    yesterday = today - dt.timedelta(days=1)
    rows, total = await audit.search(
        action=None,
        actor=None,
        enterprise_id=None,
        since=None,
        until=yesterday,
        page=1,
        page_size=10,
    )
    assert (rows, total) == ([], 0)
