"""Audited by itself: the auditor's views and head exports/checks of the log, CSRF failures and
policy refusals (403) — the refusals bounded so that a flood cannot fill the log."""

from __future__ import annotations

import json

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import AuditEvent
from backend.security import refusals
from backend.security.audit import AuditAction, search
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in
from tests.tampering import guards_lifted

HTMX = {"HX-Request": "true", "HX-Target": "audit-rows"}


@pytest.fixture(autouse=True)
def _fresh_windows() -> None:
    refusals.reset()


async def _of(action: AuditAction) -> list[dict]:  # type: ignore[type-arg]
    rows, _ = await search(action=action, page_size=500)
    return rows


@pytest.fixture
async def auditor(client: httpx.AsyncClient, accounts: dict[str, int]) -> httpx.AsyncClient:
    assert (await sign_in(client, "auditor")).status_code == 303
    return client


async def test_page_views_of_the_log_are_audited(auditor: httpx.AsyncClient) -> None:
    assert (await auditor.get("/audit", params={"action": "login"})).status_code == 200
    views = await _of(AuditAction.AUDIT_VIEW)
    assert len(views) == 1 and views[0]["actor_name"] == "auditor"
    assert views[0]["changes"] == {"filters": {"action": "login"}, "page": 1}
    assert views[0]["entity"] == "audit_event"
    await auditor.get("/audit", params={"page": 1}, headers=HTMX)  # within the page: not again
    assert len(await _of(AuditAction.AUDIT_VIEW)) == 1
    html = (await auditor.get("/audit")).text
    assert "查看操作日志" in html  # the auditor sees their own earlier view
    assert len(await _of(AuditAction.AUDIT_VIEW)) == 2


async def test_head_download_and_check_on_the_page(auditor: httpx.AsyncClient) -> None:
    response = await auditor.get("/audit/head")
    assert response.status_code == 200
    assert "attachment;" in response.headers["content-disposition"]
    assert "audit-head-" in response.headers["content-disposition"]
    head = response.json()
    assert head["记录条数"] == 1 and head["记录号"] == 1  # the auditor's sign-in
    exports = await _of(AuditAction.AUDIT_HEAD_EXPORT)
    assert exports[0]["entity_id"] == "1" and exports[0]["changes"] == {"记录条数": 1}

    token = await csrf_token(auditor, "/audit")
    page = await auditor.post(
        "/audit/head/check", data={"head": response.text, "_csrf_token": token}
    )
    assert page.status_code == 200 and "一致" in page.text and "导出的链头" in page.text

    async with guards_lifted():
        await AuditEvent.delete().where(AuditEvent.id >= 1)
    cut = await auditor.post(
        "/audit/head/check", data={"head": response.text, "_csrf_token": token}
    )
    assert cut.status_code == 200 and "不一致" in cut.text and "截断" in cut.text
    checks = await _of(AuditAction.AUDIT_HEAD_CHECK)
    assert [c["changes"]["结果"] for c in checks] == ["不一致"]  # the older row went with the cut

    forged = json.dumps({**head, "记录条数": 0}, ensure_ascii=False)
    for text, message in (("", "请粘贴"), ("{", "无法识别"), (forged, "签名无效")):
        bad = await auditor.post("/audit/head/check", data={"head": text, "_csrf_token": token})
        assert bad.status_code == 400 and message in bad.text, text


async def test_no_head_is_signed_for_a_broken_chain(auditor: httpx.AsyncClient) -> None:
    async with guards_lifted():
        await AuditEvent.update({AuditEvent.ip: "6.6.6.6"}).where(AuditEvent.id == 1)
    response = await auditor.get("/audit/head")
    assert response.status_code == 409 and "不能导出链头" in response.text


async def test_policy_refusals_of_signed_in_users_are_audited(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    await sign_in(client, "reviewer")
    assert (await client.get("/audit/export.xlsx")).status_code == 403
    denied = await _of(AuditAction.ACCESS_DENIED)
    assert len(denied) == 1
    assert denied[0]["actor_id"] == accounts["reviewer"] and denied[0]["ip"] == "127.0.0.1"
    assert denied[0]["changes"] == {"请求": "GET /audit/export.xlsx"}
    assert denied[0]["action_label"] == "越权访问被拒绝"


async def test_csrf_failures_are_audited(app: Litestar, accounts: dict[str, int]) -> None:
    async with client_for(app) as signed, client_for(app) as anonymous:
        await sign_in(signed, "admin")
        url = f"/admin/users/{accounts['reviewer']}/disable"
        assert (await signed.post(url, data={"_csrf_token": "0" * 64})).status_code == 403
        await anonymous.get("/login")
        assert (await anonymous.post("/login", data={"username": "x"})).status_code == 403
    failed = await _of(AuditAction.CSRF_FAILED)
    assert [(r["actor_name"], r["actor_id"]) for r in failed] == [
        ("匿名", None),
        ("admin", accounts["admin"]),
    ]
    assert failed[1]["changes"] == {"请求": f"POST {url}"}
    assert failed[0]["action_label"] == "跨站请求校验失败"


async def test_a_flood_of_refusals_is_bounded_and_counted(app: Litestar, db: None) -> None:
    async with client_for(app) as anonymous:
        await anonymous.get("/login")
        for _ in range(refusals.LIMIT + 15):
            assert (await anonymous.post("/logout")).status_code == 403
        assert len(await _of(AuditAction.CSRF_FAILED)) == refusals.LIMIT
        refusals._windows[None][0] -= refusals.WINDOW  # a minute later
        assert (await anonymous.post("/logout")).status_code == 403
    failed = await _of(AuditAction.CSRF_FAILED)
    assert len(failed) == refusals.LIMIT + 1
    assert failed[0]["changes"]["此前未记录的同类拒绝"] == 15
