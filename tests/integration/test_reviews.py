"""审核: return / approve / reopen, drafts and batch release, 不适用 and 延期, the API, previews.
Each decision shows at once on the board and in the group's notifications, and is audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import (
    AuditEvent,
    Notification,
    Obligation,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from backend.lib.timeutil import today
from backend.rules.workdays import add_workdays
from backend.settings import get_settings
from backend.storage import FileStore
from tests import factories as f
from tests.conftest import client_for
from tests.fixtures import at, csrf_token, sign_in


@pytest.fixture
async def clients(
    app: Litestar, tenant_accounts: dict[str, int]
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    signed: dict[str, httpx.AsyncClient] = {}
    for name in ("reviewer", "admin", "ent_g", "ent_u"):
        signed[name] = client_for(app)
        assert (await sign_in(signed[name], name)).status_code == 303
    yield signed
    for client in signed.values():
        await client.aclose()


@pytest.fixture
async def a6(roster: dict[str, int]) -> dict[str, Any]:
    """Group G delivers A6 (2023) version 1; returns the submission id and obligation."""
    obligation = await Obligation.select().where(Obligation.code == "A6").first()
    await f.submit(roster["G"], obligation["id"], at(2023, 12, 10))
    row = await Submission.select(Submission.id).where(
        Submission.natural_key == f"{roster['G']}:{obligation['id']}"
    )
    return {"id": row[0]["id"], "obligation": obligation}


async def post_form(client: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    token = await csrf_token(client, "/account/password")
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def api_review(client: httpx.AsyncClient, sid: int, body: dict[str, Any]) -> httpx.Response:
    token = await csrf_token(client, "/account/password")
    return await client.post(
        f"/api/v1/submissions/{sid}/review", json=body, headers={"X-CSRFToken": token}
    )


async def cell(client: httpx.AsyncClient, enterprise_id: int, key: str) -> dict[str, Any]:
    body = (await client.get("/api/v1/board")).json()
    codes = {o["id"]: f"{o['code']}-{o['year']}" for o in body["obligations"]}
    row = next(r for r in body["rows"] if r["enterprise"]["id"] == enterprise_id)
    return next(c for c in row["cells"] if codes[c["obligation_id"]] == key)


async def audit_count(action: str) -> int:
    return await AuditEvent.count().where(AuditEvent.action == action)


async def test_return_updates_board_and_notifies_the_group(
    clients: dict[str, httpx.AsyncClient],
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
    a6: dict[str, Any],
) -> None:
    reviewer, sid = clients["reviewer"], a6["id"]
    page = await reviewer.get(f"/reviews/{sid}")
    assert page.status_code == 200
    assert "市属一级示例集团（示例）" in page.text and "退回修改" in page.text
    assert (await cell(reviewer, roster["G"], "A6-2023"))["status"] == "submitted"
    response = await post_form(
        reviewer,
        f"/reviews/{sid}",
        {
            "decision": "return",
            "reasons": ["material_incomplete", "not_sealed"],
            "comment": "请补充盖章页",
            "resubmit_by": "",
            "action": "release",
        },
    )
    assert response.status_code == 303, response.text
    review = (
        await Review.select()
        .where(Review.state == "released")
        .order_by(Review.id, ascending=False)
        .first()
    )
    assert review is not None and review["decision"] == "return"
    assert review["resubmit_by"] == add_workdays(today(), 5)
    assert (await cell(clients["ent_g"], roster["G"], "A6-2023"))["status"] == "returned"

    notes = await Notification.select().where(Notification.kind == "review")
    recipients = {n["recipient"] for n in notes}
    assert recipients == {tenant_accounts["ent_g"], tenant_accounts["ent_g_user"]}
    title = f"【退回修改】A6（2023年度）{a6['obligation']['title']}（第 1 版）"
    assert {n["title"] for n in notes} == {title}
    assert notes[0]["link"] == "/workspace"
    assert "材料不全、未盖章" in notes[0]["body"]
    assert await audit_count("review") == 1
    # The version is decided: a second decision is refused, with the reason on the page.
    again = await post_form(
        reviewer, f"/reviews/{sid}", {"decision": "approve", "grade": "good", "action": "release"}
    )
    assert again.status_code == 422 and "不能重复审核" in again.text


async def test_approve_then_reopen(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], a6: dict[str, Any]
) -> None:
    admin, sid = clients["admin"], a6["id"]
    early = await post_form(
        admin, f"/reviews/{sid}", {"decision": "reopen", "comment": "复核", "action": "release"}
    )
    assert early.status_code == 422 and "尚未审核通过" in early.text
    response = await api_review(admin, sid, {"decision": "approve", "grade": "excellent"})
    assert response.status_code == 200, response.text
    assert response.json()["reviews"][-1]["grade"] == "excellent"
    assert (await cell(admin, roster["G"], "A6-2023"))["status"] == "approved"
    assert "已审核通过" in (await admin.get(f"/reviews/{sid}")).text
    missing = await post_form(admin, f"/reviews/{sid}", {"decision": "reopen", "action": "release"})
    assert missing.status_code == 422 and "重新打开须填写原因" in missing.text
    reopened = await post_form(
        admin,
        f"/reviews/{sid}",
        {"decision": "reopen", "comment": "抽查发现附件缺页", "action": "release"},
    )
    assert reopened.status_code == 303
    assert (await cell(admin, roster["G"], "A6-2023"))["status"] == "returned"
    titles = {n["title"] for n in await Notification.select(Notification.title)}
    assert any(t.startswith("【审核通过】A6") for t in titles)
    assert any(t.startswith("【重新打开】A6") for t in titles)
    assert await audit_count("review") == 2


async def test_enterprise_accounts_cannot_review(
    clients: dict[str, httpx.AsyncClient], a6: dict[str, Any]
) -> None:
    ent = clients["ent_g"]
    response = await api_review(ent, a6["id"], {"decision": "approve", "grade": "good"})
    assert response.status_code == 403
    assert "权限" in response.json()["detail"]
    form = await post_form(
        ent, f"/reviews/{a6['id']}", {"decision": "approve", "grade": "good", "action": "release"}
    )
    assert form.status_code == 403
    assert (await ent.get("/reviews")).status_code == 403
    assert await Review.count() == 2  # the roster's own reviews only


async def test_queue_spans_all_groups_with_filters(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], a6: dict[str, Any]
) -> None:
    reviewer = clients["reviewer"]
    p1 = await f.obligation_id("P1")
    await f.submit(roster["U"], p1, at(2023, 6, 1), version_no=2)  # U's new version after approval
    page = await reviewer.get("/reviews")
    assert page.status_code == 200
    text = page.text
    # Oldest first: G's P1 (2023-05-24), then U's P1 v2 (2023-06-01), then G's A6 (2023-12-10).
    assert text.index("市属一级示例集团") < text.index("提级管理示例集团")
    assert text.index("提级管理示例集团") < text.rindex("市属一级示例集团")
    partial = await reviewer.get("/reviews", headers={"HX-Request": "true", "HX-Target": "queue"})
    assert "<html" not in partial.text and "审核" in partial.text
    only_a6 = (await reviewer.get("/reviews", params={"obligation": "A6"})).text
    assert "A6" in only_a6 and "提级管理示例集团" not in only_a6
    only_u = (await reviewer.get("/reviews", params={"q": "提级"})).text
    assert "提级管理示例集团" in only_u and "市属一级示例集团" not in only_u
    assert "暂无" not in (await reviewer.get("/reviews", params={"min_days": "30"})).text
    bad = await reviewer.get("/reviews", params={"min_days": "abc"})
    assert bad.status_code == 200 and "等待天数" in bad.text
    assert "没有符合条件" in (await reviewer.get("/reviews", params={"min_days": "99999"})).text


async def test_drafts_stay_private_until_released_in_a_batch(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], a6: dict[str, Any]
) -> None:
    reviewer, sid = clients["reviewer"], a6["id"]
    for comment in ("初稿", "第二稿"):
        response = await post_form(
            reviewer,
            f"/reviews/{sid}",
            {"decision": "return", "reasons": "other", "comment": comment, "action": "draft"},
        )
        assert response.status_code == 303
    drafts = await Review.select().where(Review.state == "draft")
    assert len(drafts) == 1 and drafts[0]["remark"] == "第二稿"  # replaced, not added
    assert (await cell(reviewer, roster["G"], "A6-2023"))["status"] == "submitted"
    assert await Notification.count() == 0
    assert "第二稿" in (await reviewer.get(f"/reviews/{sid}")).text
    queue = await reviewer.get("/reviews")
    assert f'name="ids" value="{drafts[0]["id"]}"' in queue.text
    empty = await post_form(reviewer, "/reviews/release", {})
    assert empty.status_code == 422 and "请先勾选" in empty.text
    released = await post_form(reviewer, "/reviews/release", {"ids": [str(drafts[0]["id"])]})
    assert released.status_code == 303
    assert "已发布 1 份草稿" in (await reviewer.get(released.headers["location"])).text
    assert (await cell(reviewer, roster["G"], "A6-2023"))["status"] == "returned"
    assert await Notification.count() == 2
    assert await audit_count("review") == 3  # two drafts and the release
    again = await post_form(reviewer, "/reviews/release", {"ids": [str(drafts[0]["id"])]})
    assert again.headers["location"] == "/reviews?done=0&skipped=1"


async def test_exemption_and_extension(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], a6: dict[str, Any]
) -> None:
    admin, sid = clients["admin"], a6["id"]
    no_reason = await post_form(admin, f"/reviews/{sid}/extend", {"extended_to": "2030-01-01"})
    assert no_reason.status_code == 422 and "请填写延期的理由" in no_reason.text
    too_early = await post_form(
        admin, f"/reviews/{sid}/extend", {"extended_to": "2023-12-01", "reason": "疫情"}
    )
    assert too_early.status_code == 422 and "应晚于当前截止日期" in too_early.text
    later = add_workdays(today(), 30)
    extended = await post_form(
        admin, f"/reviews/{sid}/extend", {"extended_to": later.isoformat(), "reason": "重组中"}
    )
    # Already submitted: lateness is judged on the first submission, so no extension now
    # (extensions of cells nobody submitted: tests/integration/test_cell_actions.py).
    assert extended.status_code == 422 and "已报送" in extended.text
    exempted = await post_form(admin, f"/reviews/{sid}/exempt", {"reason": "已完成重组"})
    assert exempted.status_code == 303
    assert (await cell(clients["ent_g"], roster["G"], "A6-2023"))["status"] == "exempt"
    twice = await post_form(admin, f"/reviews/{sid}/exempt", {"reason": "重复"})
    assert twice.status_code == 422 and "已认定为不适用" in twice.text
    page = (await admin.get(f"/reviews/{sid}")).text
    assert "已完成重组" in page and "撤销" in page
    exemption = await f_exemption_id(roster["G"])
    revoked = await post_form(
        admin, f"/reviews/{sid}/exemptions/{exemption}/revoke", {"reason": "认定有误"}
    )
    assert revoked.status_code == 303
    assert (await cell(admin, roster["G"], "A6-2023"))["status"] != "exempt"
    assert await audit_count("exemption") == 2  # exempt and revoke (the extension was refused)
    assert await Notification.count().where(Notification.kind == "exemption") == 4  # 2 × 2 accounts


async def f_exemption_id(enterprise_id: int) -> int:
    from backend.db.tables import Exemption

    row = (
        await Exemption.select(Exemption.id)
        .where(Exemption.kind == "exempt", Exemption.enterprise == enterprise_id)
        .first()
    )
    assert row is not None
    return row["id"]


async def test_api_errors_are_chinese_json(
    clients: dict[str, httpx.AsyncClient], a6: dict[str, Any]
) -> None:
    reviewer, sid = clients["reviewer"], a6["id"]
    cases = [
        ({"decision": "approve"}, 400, "评级"),
        ({"decision": "maybe"}, 400, "审核结论"),
        ({"decision": "return"}, 400, "退回原因"),
        ({"decision": "return", "reasons": ["bogus"]}, 400, "退回原因无效"),
        ({"decision": "return", "reasons": ["other"]}, 400, "其他"),
        (
            {"decision": "return", "reasons": ["not_sealed"], "resubmit_by": "2023-13-01"},
            400,
            "日期",
        ),
        (
            {"decision": "return", "reasons": ["not_sealed"], "resubmit_by": "2020-01-01"},
            400,
            "晚于",
        ),
    ]
    for body, status, words in cases:
        response = await api_review(reviewer, sid, body)
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["detail"], (body, response.text)
    ok = await api_review(
        reviewer, sid, {"decision": "return", "reasons": ["not_sealed"], "comment": "补章"}
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["reviews"][-1]["reasons"] == ["not_sealed"]
    assert body["reviews"][-1]["resubmit_by"] == add_workdays(today(), 5).isoformat()
    twice = await api_review(reviewer, sid, {"decision": "approve", "grade": "pass"})
    assert twice.status_code == 409 and "不能重复审核" in twice.json()["detail"]
    missing = await api_review(reviewer, 999999, {"decision": "approve", "grade": "pass"})
    assert missing.status_code == 404 and "未找到" in missing.json()["detail"]


async def test_previews_are_inline_and_frameable_by_us_only(
    clients: dict[str, httpx.AsyncClient], a6: dict[str, Any]
) -> None:
    reviewer, sid = clients["reviewer"], a6["id"]
    store = FileStore(get_settings().storage_dir)
    version = (
        await SubmissionVersion.select(SubmissionVersion.id)
        .where(SubmissionVersion.submission == sid)
        .first()
    )
    ids = {}
    for name, data, media, kind in (
        ("自查报告.pdf", b"%PDF-1.4\n%test\n", "application/pdf", "pdf"),
        ("附表.docx", b"PK\x03\x04docx", "application/vnd.openxmlformats", "docx"),
    ):
        sha = store.put_bytes(data)
        row = await SubmissionFile.insert(
            SubmissionFile(
                version=version["id"],
                sha256=sha,
                original_name=name,
                size_bytes=len(data),
                media_type=media,
                detected_kind=kind,
            )
        ).returning(SubmissionFile.id)
        ids[kind] = row[0]["id"]
    page = (await reviewer.get(f"/reviews/{sid}")).text
    assert f'<iframe src="/reviews/{sid}/files/{ids["pdf"]}/preview"' in page
    assert f'href="/api/v1/submissions/{sid}/files/{ids["docx"]}"' in page
    response = await reviewer.get(f"/reviews/{sid}/files/{ids['pdf']}/preview")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers.get_list("content-security-policy") == [
        "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"
    ]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in page_headers(await reviewer.get(f"/reviews/{sid}"))
    other = await reviewer.get(f"/reviews/{sid}/files/{ids['docx']}/preview")
    assert other.status_code == 404 and "下载后查看" in other.text
    assert await audit_count("file_download") == 1


def page_headers(response: httpx.Response) -> str:
    return response.headers["content-security-policy"]


async def test_a_newer_version_marks_the_waiting_one_superseded(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], a6: dict[str, Any]
) -> None:
    # Version 1 waits for review when version 2 arrives: the reviewer sees which one to review.
    await f.submit(roster["G"], a6["obligation"]["id"], at(2023, 12, 12), version_no=2)
    page = await clients["reviewer"].get(f"/reviews/{a6['id']}")
    assert page.status_code == 200
    history = page.text[page.text.index("历次版本") :]
    rows = history.split("<tr>")[2:4]  # newest first
    assert "第 2 版" in rows[0] and "待审核" in rows[0] and "已被新版本替代" not in rows[0]
    assert "第 1 版" in rows[1] and "已被新版本替代" in rows[1]


CODE_WORDS = re.compile(r"(?<![A-Za-z])[a-z_]{3,}")  # codes are lower case; "API" is a name


async def test_review_messages_carry_no_codes(
    clients: dict[str, httpx.AsyncClient], a6: dict[str, Any]
) -> None:
    """Every refusal a reviewer (page or API) reads is in Chinese labels: no decision, grade or
    reason code, and no field name (the API's schema documents the codes)."""
    reviewer, sid = clients["reviewer"], a6["id"]
    cases: list[dict[str, Any]] = [
        {"decision": "maybe"},
        {"decision": "approve"},
        {"decision": "approve", "grade": "superb"},
        {"decision": "return"},
        {"decision": "return", "reasons": ["bogus"]},
        {"decision": "return", "reasons": ["other"]},
        {"decision": "reopen"},
        {"decision": "return", "reasons": ["not_sealed"], "resubmit_by": "2020-01-01"},
    ]
    for body in cases:
        api = await api_review(reviewer, sid, body)
        assert api.status_code in (400, 409, 422), (body, api.text)
        detail = api.json()["detail"]
        assert not CODE_WORDS.findall(detail.replace("YYYY-MM-DD", "")), (body, detail)
        page = await post_form(reviewer, f"/reviews/{sid}", {**body, "action": "release"})
        assert page.status_code == 422, (body, page.text[:200])
        error = re.search(r'<div class="notice warn"[^>]*>(.*?)</div>', page.text, re.S)
        assert error is not None and not CODE_WORDS.findall(error.group(1)), (body, error)


async def test_queue_selection_only_with_drafts_late_flag_and_sort_in_the_url(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], a6: dict[str, Any]
) -> None:
    reviewer, sid = clients["reviewer"], a6["id"]
    await f.submit(roster["U"], await f.obligation_id("P1"), at(2023, 6, 1), version_no=2)
    page = (await reviewer.get("/reviews")).text
    assert "<th>选择</th>" not in page and "发布所选草稿</button>" not in page  # no drafts yet
    # G's P1 came on 2023-05-24, two calendar days after its deadline; A6 was on time.
    assert "逾期报送 2 个自然日" in page and "按期" in page
    assert 'aria-sort="ascending"' in page and "sort=-submitted" in page  # default, reversible
    by_name = (await reviewer.get("/reviews", params={"sort": "-enterprise"})).text
    assert by_name.index("提级管理示例集团") < by_name.index("市属一级示例集团")
    assert 'href="/reviews?sort=enterprise"' in by_name.replace("&amp;", "&")  # flips back
    by_name = (await reviewer.get("/reviews", params={"sort": "enterprise"})).text
    assert by_name.index("市属一级示例集团") < by_name.index("提级管理示例集团")
    late_first = (await reviewer.get("/reviews", params={"sort": "-late"})).text
    assert late_first.index("逾期报送 2 个自然日") < late_first.index("按期")
    assert late_first.index("逾期报送 10 个自然日") < late_first.index("逾期报送 2 个自然日")
    odd = await reviewer.get("/reviews", params={"sort": "drop table"})
    assert odd.status_code == 200 and 'aria-sort="ascending"' in odd.text  # default order
    draft = {"decision": "return", "reasons": "other", "comment": "稿", "action": "draft"}
    assert (await post_form(reviewer, f"/reviews/{sid}", draft)).status_code == 303
    page = (await reviewer.get("/reviews")).text
    assert "<th>选择</th>" in page and "发布所选草稿</button>" in page
