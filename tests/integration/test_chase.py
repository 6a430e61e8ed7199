"""催报: the preview names whom it reaches, the send writes one ledger row per recipient per
action (a double post sends nothing new), the enterprise sees it, and the API is scoped."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import AuditEvent, Notification, ReminderLog
from tests import factories as f
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in


async def signed(app: Litestar, username: str) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, username)).status_code == 303
    client.headers["X-CSRFToken"] = await csrf_token(client, "/account/password")
    return client


@pytest.fixture
async def reviewer(app: Litestar, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    return await signed(app, "reviewer")


HX = {"HX-Request": "true"}


def form_of(html: str) -> dict[str, list[str]]:
    """The hidden fields of the preview's send form."""
    batch = re.search(r'name="batch" value="([0-9a-f]+)"', html)
    assert batch, html
    cells = re.findall(r'name="cell" value="(\d+:\d+)"', html)
    return {"batch": [batch.group(1)], "cell": cells}


async def test_a_cell_chased_once_per_recipient_and_shown_everywhere(
    app: Litestar, reviewer: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a1c = await f.obligation_id("A1c", 2023)
    cell = f"{roster['G']}:{a1c}"
    preview = await reviewer.get(f"/chase/preview?cell={cell}", headers=HX)
    assert preview.status_code == 200, preview.text
    assert "将催报 <strong>1</strong> 项，发送给 <strong>2</strong> 个企业账号" in preview.text
    assert "ent_g_user" in preview.text and "ent_u" not in preview.text  # the group's accounts
    fields = form_of(preview.text)
    assert fields["cell"] == [cell]

    body = {**fields, "message": "请于本周五前报送。"}
    sent = await reviewer.post("/chase", data=body, headers=HX)
    assert sent.status_code == 200, sent.text
    assert "已向 <strong>2</strong> 个企业账号发送催报" in sent.text
    again = await reviewer.post("/chase", data=body, headers=HX)  # a double click
    assert "未重复发送" in again.text
    rows = await ReminderLog.select().where(ReminderLog.kind == "chase")
    assert len(rows) == 2 and {r["batch"] for r in rows} == set(fields["batch"])
    assert all(r["note"] == "请于本周五前报送。" and r["notification"] for r in rows)
    notes = await Notification.select().where(Notification.kind == "chase")
    assert len(notes) == 2 and all(n["link"].endswith(f"#item-{a1c}") for n in notes)
    assert "【催报】" in notes[0]["title"] and "请于本周五前报送" in notes[0]["body"]
    audit = await AuditEvent.select().where(AuditEvent.action == "chase")
    assert len(audit) == 1 and audit[0]["enterprise_id"] == roster["G"]

    panel = await reviewer.get(
        f"/board/cell?enterprise_id={roster['G']}&obligation_id={a1c}", headers=HX
    )
    assert "已催报 1 次，最近" in panel.text and "reviewer催报" in panel.text
    assert "请于本周五前报送" in panel.text
    timeline = await reviewer.get(f"/enterprises/{roster['G']}")
    assert "reviewer催报：请于本周五前报送。" in timeline.text

    ent = await signed(app, "ent_g_user")
    workspace = await ent.get("/workspace")
    assert 'class="ws-chase"' in workspace.text and "已催报 1 次" in workspace.text
    messages = await ent.get("/notifications")
    assert "【催报】" in messages.text
    await ent.aclose()


async def test_the_board_filter_preview_and_one_obligation(
    reviewer: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a5 = await f.obligation_id("A5", 2023)
    whole = await reviewer.get("/chase/preview?group=T1", headers=HX)
    assert whole.status_code == 200
    assert "市属一级示例集团（示例）" in whole.text and "提级管理示例集团" not in whole.text
    assert "逾期未报、退回待改" in whole.text or "退回待改、逾期未报" in whole.text
    one = await reviewer.get(f"/chase/preview?group=T1&obligation_id={a5}", headers=HX)
    cells = form_of(one.text)["cell"]
    # A5 is the group's 全级次 duty, returned for changes: one cell, however many rows show it
    assert cells == [f"{roster['G']}:{a5}"]
    returned = await reviewer.get("/chase/preview?status=returned", headers=HX)
    assert form_of(returned.text)["cell"] == [f"{roster['G']}:{a5}"]


async def test_the_send_skips_what_was_delivered_since_the_preview(
    reviewer: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    from tests.fixtures import at

    a2 = await f.obligation_id("A2", 2023)
    preview = await reviewer.get(f"/chase/preview?cell={roster['G']}:{a2}", headers=HX)
    fields = form_of(preview.text)
    await f.submit(roster["G"], a2, at(2026, 1, 5))
    sent = await reviewer.post("/chase", data=fields, headers=HX)
    assert "1 项在预览后已报送或已处理" in sent.text
    assert await ReminderLog.count().where(ReminderLog.kind == "chase") == 0


async def test_chase_refuses_bad_input_in_chinese(
    reviewer: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a1c = await f.obligation_id("A1c", 2023)
    long = {"batch": "ab" * 8, "cell": f"{roster['G']}:{a1c}", "message": "催" * 501}
    response = await reviewer.post("/chase", data=long, headers=HX)
    assert response.status_code == 400 and "不能超过 500 个字" in response.text
    stale = await reviewer.post("/chase", data={"batch": "x", "cell": "1:1"}, headers=HX)
    assert stale.status_code == 400 and "重新打开催报预览" in stale.text


async def test_api_chase_and_the_scoped_ledger(
    app: Litestar, reviewer: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a1c = await f.obligation_id("A1c", 2023)
    a5 = await f.obligation_id("A5", 2023)
    body = {"obligation_id": a1c, "enterprise_ids": [roster["G"], roster["U"]], "message": "速报"}
    response = await reviewer.post("/api/v1/reminders", json=body)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["sent"] == 3 and out["cells"] == 2 and len(out["recipients"]) == 3
    assert {r["enterprise_id"] for r in out["recipients"]} == {roster["G"], roster["U"]}
    assert await ReminderLog.count().where(ReminderLog.batch == out["batch"]) == 3

    # a subsidiary named on a 全级次 duty chases its group, once
    sub = {"obligation_id": a5, "enterprise_ids": [roster["G1"], roster["G2"], roster["G"]]}
    out = (await reviewer.post("/api/v1/reminders", json=sub)).json()
    assert out["cells"] == 1 and out["sent"] == 2

    p1 = await f.obligation_id("P1")
    done = {"obligation_id": p1, "enterprise_ids": [roster["G"]]}
    refused = await reviewer.post("/api/v1/reminders", json=done)
    assert refused.status_code == 400 and "无需催报" in refused.json()["detail"]
    empty = await reviewer.post("/api/v1/reminders", json={"obligation_id": a1c})
    assert empty.status_code == 400 and "至少选择一家企业" in empty.json()["detail"]

    ledger = (await reviewer.get("/api/v1/reminders?kind=chase&page_size=2")).json()
    assert ledger["total"] == 5 and len(ledger["items"]) == 2
    assert ledger["items"][0]["kind_label"] == "催报" and ledger["items"][0]["sent_by"]

    ent_u = await signed(app, "ent_u")
    own = (await ent_u.get("/api/v1/reminders")).json()
    assert own["total"] == 1 and own["items"][0]["enterprise_id"] == roster["U"]
    other = await ent_u.get(f"/api/v1/reminders?enterprise_id={roster['G']}")
    assert other.status_code == 404
    await ent_u.aclose()
    leader = await signed(app, "leader")
    assert (await leader.post("/api/v1/reminders", json=body)).status_code == 403
    await leader.aclose()
