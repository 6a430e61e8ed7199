"""操作日志 pages: the auditor's list, filters, paging, hash-chain banner and xlsx export;
nobody else may read the log (三员分立: not even the system administrator)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import httpx
import pytest

from backend.db.tables import AuditEvent
from backend.lib.timeutil import cn_date, today
from backend.security.audit import Actor, AuditAction, record, search
from tests.fixtures import sign_in
from tests.tampering import guards_lifted

HTMX = {"HX-Request": "true", "HX-Target": "audit-rows"}


async def _as(client: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    response = await sign_in(client, username)
    assert response.status_code == 303, response.text
    return client


async def _events(accounts: dict[str, int]) -> None:
    """Two sign-ins (one `login` row each) and one user edit recorded directly."""
    admin = Actor(accounts["admin"], "admin", None, "10.1.2.3")
    await record(
        AuditAction.USER_UPDATE,
        admin,
        entity="account",
        entity_id=accounts["reviewer"],
        changes={"display_name": {"from": "张三", "to": "李四"}, "role": {"from": None, "to": "x"}},
    )


@pytest.fixture
async def auditor(client: httpx.AsyncClient, accounts: dict[str, int]) -> httpx.AsyncClient:
    await _as(client, "admin")
    await _events(accounts)
    return await _as(client, "auditor")


async def test_auditor_sees_rows_and_the_chain_banner(auditor: httpx.AsyncClient) -> None:
    response = await auditor.get("/audit")
    assert response.status_code == 200
    html = response.text
    assert "哈希链校验通过，共 3 条" in html
    assert "序号" in html and "变更内容" in html and "共 3 条" in html
    assert "修改用户" in html and "登录" in html
    assert "姓名：张三 → 李四" in html and "角色：（空） → x" in html
    assert "10.1.2.3" in html and "账户" in html
    assert cn_date(today()) in html  # times in Chinese, Shanghai
    assert re.search(r'<a href="/audit" class="active">操作日志</a>', html)


async def test_filters_by_action_actor_and_date(auditor: httpx.AsyncClient) -> None:
    only_edits = await auditor.get("/audit", params={"action": "user_update"}, headers=HTMX)
    assert only_edits.status_code == 200
    assert "<html" not in only_edits.text
    assert "修改用户" in only_edits.text and "登录" not in only_edits.text
    assert "共 1 条" in only_edits.text

    by_actor = await auditor.get("/audit", params={"actor": "audi"}, headers=HTMX)
    assert "共 1 条" in by_actor.text and "auditor" in by_actor.text

    day = today()
    same_day = await auditor.get("/audit", params={"since": day.isoformat()}, headers=HTMX)
    assert "共 3 条" in same_day.text
    before = (day - dt.timedelta(days=1)).isoformat()
    earlier = await auditor.get("/audit", params={"until": before}, headers=HTMX)
    assert "没有符合筛选条件的操作记录" in earlier.text

    backwards = await auditor.get(
        "/audit", params={"since": day.isoformat(), "until": before}, headers=HTMX
    )
    assert backwards.status_code == 400
    assert "开始日期晚于结束日期" in backwards.text and "<html" not in backwards.text
    bad = await auditor.get("/audit", params={"since": "2023/12/01"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text and "<html" in bad.text


async def test_paging_keeps_counting(auditor: httpx.AsyncClient) -> None:
    for n in range(50):
        await record(AuditAction.EXPORT, Actor(None, "系统"), entity_id=n)
    first = await auditor.get("/audit")
    assert "共 53 条" in first.text and "第 1 / 2 页" in first.text
    second = await auditor.get("/audit", params={"page": 2}, headers=HTMX)
    assert '<td class="seq">51</td>' in second.text and "第 2 / 2 页" in second.text
    beyond = await auditor.get("/audit", params={"page": 9}, headers=HTMX)
    assert "第 2 / 2 页" in beyond.text


@pytest.mark.parametrize("username", ["admin", "reviewer", "leader"])
async def test_only_the_auditor_reads_the_log(
    client: httpx.AsyncClient, accounts: dict[str, int], username: str
) -> None:
    await _as(client, username)
    assert (await client.get("/audit")).status_code == 403
    assert (await client.get("/audit/export.xlsx")).status_code == 403
    assert (await client.get("/audit", headers=HTMX)).status_code == 403
    page = await client.get("/board")
    assert 'href="/audit"' not in page.text


async def test_anonymous_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/audit/export.xlsx", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].startswith("/login?next=/audit/export.xlsx")


def _sheet(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = book.namelist()
        assert "xl/worksheets/sheet1.xml" in names
        return book.read("xl/worksheets/sheet1.xml").decode()


async def test_export_is_an_xlsx_with_text_never_formulas(
    auditor: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    sly = Actor(None, '=HYPERLINK("http://evil.example","点我")', None, "10.9.9.9")
    await record(
        AuditAction.USER_CREATE, sly, changes={"comment": "=1+1", "display_name": "@SUM(A1)"}
    )
    response = await auditor.get("/audit/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    stamp = today().strftime("%Y%m%d")
    assert disposition.startswith("attachment;")
    assert f'filename="audit-log-{stamp}.xlsx"' in disposition
    assert f"filename*=UTF-8''%E6%93%8D%E4%BD%9C%E6%97%A5%E5%BF%97-{stamp}.xlsx" in disposition
    assert response.headers["cache-control"] == "no-store"

    sheet = _sheet(response.content)
    assert "操作日志（导出时间" in sheet
    assert "登录" in sheet and "修改用户" in sheet and "创建用户" in sheet
    assert "姓名：张三 → 李四" in sheet
    assert "=HYPERLINK(" in sheet and "审核意见：=1+1" in sheet
    assert "<f>" not in sheet and "<f " not in sheet  # stored as text, never as a formula
    assert '<pane ySplit="2"' in sheet  # title and header rows frozen
    assert "<cols>" in sheet

    exports, total = await search(action=AuditAction.AUDIT_EXPORT)
    assert total == 1
    assert exports[0]["actor_name"] == "auditor"
    assert exports[0]["changes"] == {"filters": {}, "rows": 4, "total": 4}


async def test_export_follows_the_filters(auditor: httpx.AsyncClient) -> None:
    response = await auditor.get("/audit/export.xlsx", params={"action": "user_update"})
    assert response.status_code == 200
    sheet = _sheet(response.content)
    assert "修改用户" in sheet and "<t>登录</t>" not in sheet
    exports, _ = await search(action=AuditAction.AUDIT_EXPORT)
    assert exports[0]["changes"]["filters"] == {"action": "user_update"}
    assert exports[0]["changes"]["rows"] == 1
    bad = await auditor.get("/audit/export.xlsx", params={"enterprise_id": "abc"})
    assert bad.status_code == 400 and "企业编号" in bad.text


async def test_an_edited_row_turns_the_banner_red(auditor: httpx.AsyncClient) -> None:
    edited = await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id).first()
    assert edited is not None
    async with guards_lifted():
        await AuditEvent.update({AuditEvent.actor_name: "someone-else"}).where(
            AuditEvent.id == edited["id"]
        )
    html = (await auditor.get("/audit")).text
    assert "校验失败" in html and "哈希链校验通过" not in html
    assert f"第 {edited['id']} 条记录的哈希值与内容不符，记录可能被篡改。" in html
