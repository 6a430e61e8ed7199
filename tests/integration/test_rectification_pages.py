"""The 整改台账 pages: SASAC raises a finding through the form; the 台账 lists it with its counts
and filters, replays a past date, and refuses a bad filter in Chinese; an enterprise sees its
own group only; the finding page shows the whole history and the actions each role may take."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar

from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def signed(app: Litestar, username: str) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, username)).status_code == 303
    return client


async def test_raise_list_progress_close_through_the_pages(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    reviewer, admin = await signed(app, "reviewer"), await signed(app, "admin")
    ent_g, ent_u = await signed(app, "ent_g"), await signed(app, "ent_u")
    form = await reviewer.get("/findings/new")
    assert form.status_code == 200 and "登记整改问题" in form.text
    token = await csrf_token(reviewer, "/findings/new")
    fields = {
        "_csrf_token": token,
        "enterprise_id": str(roster["G1"]),
        "description": "招投标管理制度未更新",
        "severity": "major",
        "rectification_type": "deadline",
        "deadline": "2099-12-31",
        "owner_name": "王五",
        "domain": "市场交易",
        "source": "special",
    }
    missing = await reviewer.post("/findings/new", data={**fields, "owner_name": ""})
    assert missing.status_code == 422 and "请填写一名责任人" in missing.text
    created = await reviewer.post("/findings/new", data=fields, follow_redirects=False)
    assert created.status_code == 303, created.text
    url = created.headers["location"].split("?")[0]

    ledger = await admin.get("/findings?severity=major")
    assert "招投标管理制度未更新" in ledger.text and "未启动 1" in ledger.text
    assert "招投标管理制度未更新" not in (await admin.get("/findings?severity=general")).text
    bad = await admin.get("/findings?status=bogus")
    assert bad.status_code == 200 and "整改状态“bogus”无效" in bad.text
    past = await admin.get("/findings?as_of=2020-01-01")
    assert "没有符合条件的整改问题" in past.text
    partial = await admin.get(
        "/findings?sort=-severity", headers={"HX-Request": "true", "HX-Target": "ledger"}
    )
    assert "<html" not in partial.text and "招投标管理制度未更新" in partial.text

    assert "招投标管理制度未更新" in (await ent_g.get("/findings")).text
    assert "招投标管理制度未更新" not in (await ent_u.get("/findings")).text
    assert (await ent_u.get(url)).status_code == 404

    page = await ent_g.get(url)
    assert "报送整改进展" in page.text and "核验销号" not in page.text
    hx = {"HX-Request": "true", "X-CSRFToken": await csrf_token(ent_g, url)}
    done = await ent_g.post(
        f"{url}/progress",
        headers=hx,
        files={
            "note": (None, "已修订制度"),
            "ask_close": (None, "1"),
            "files": ("制度.pdf", PDF, "application/pdf"),
        },
    )
    assert done.status_code == 200 and done.headers.get("hx-redirect", "").startswith(url)
    own = await reviewer.get(url)
    assert "已完成待核验" in own.text and "须由其他人员核验销号" in own.text
    token = await csrf_token(admin, url)
    closed = await admin.post(f"{url}/close", data={"_csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303
    final = await admin.get(url)
    assert "已销号" in final.text and "制度.pdf" in final.text
    assert re.search(r"核验销号</strong>", final.text)
    for client in (reviewer, admin, ent_g, ent_u):
        await client.aclose()


async def test_the_board_and_the_workspace_show_open_and_overdue_findings(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    import datetime as dt

    from backend.db.tables import Finding, FindingEvent
    from backend.lib.timeutil import TZ

    raised = dt.datetime(2024, 3, 1, 10, tzinfo=TZ)
    for deadline, text in (
        (dt.date(2024, 6, 30), "逾期未改的问题"),
        (dt.date(2099, 6, 30), "尚未到期的问题"),
    ):
        rows = await Finding.insert(
            Finding(
                source="self",
                enterprise=roster["G1"],
                group_id=roster["G"],
                description=text,
                severity="general",
                rectification_type="deadline",
                owner_name="赵六",
                deadline=deadline,
                raised_at=raised,
            )
        ).returning(Finding.id)
        await FindingEvent.insert(
            FindingEvent(finding=rows[0]["id"], kind="raised", happened_at=raised)
        )
    admin, ent_g = await signed(app, "admin"), await signed(app, "ent_g")
    board = await admin.get("/board?year=2024&as_of=2024-12-31")
    assert board.status_code == 200
    assert "2024整改" in board.text and 'class="rect rect-red"' in board.text
    assert "未销号 1 · 逾期 1" in board.text
    before = await admin.get("/board?year=2024&as_of=2024-05-31")
    assert "未销号 1</a>" in before.text and "rect-red" not in before.text  # not yet overdue then
    workspace = await ent_g.get("/workspace")
    assert workspace.status_code == 200
    first, second = workspace.text.index("逾期未改的问题"), workspace.text.index("尚未到期的问题")
    assert first < second  # the overdue one first
    for client in (admin, ent_g):
        await client.aclose()
