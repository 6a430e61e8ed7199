"""The 整改台账 through the API: SASAC records an inspection and raises a finding; the enterprise
posts progress with evidence and asks for 销号; SASAC returns it with a reason, then closes it.
Tenancy: another group's finding answers 404; an enterprise can never close; the raiser cannot
close their own; every change is audited."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import AuditEvent, FindingFile
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def signed(app: Litestar, username: str) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, username)).status_code == 303
    client.headers["X-CSRFToken"] = await csrf_token(client, "/account/password")
    return client


@pytest.fixture
async def clients(app: Litestar, tenant_accounts: dict[str, int]) -> dict[str, httpx.AsyncClient]:
    return {name: await signed(app, name) for name in ("admin", "reviewer", "ent_g", "ent_u")}


def finding_body(enterprise_id: int, inspection_id: int | None = None) -> dict[str, object]:
    return {
        "enterprise_id": enterprise_id,
        "inspection_id": inspection_id,
        "description": "合同审查记录不完整",
        "severity": "serious",
        "rectification_type": "deadline",
        "deadline": "2099-06-30",
        "owner_name": "张三",
        "owner_unit": "法务部",
        "domain": "合同管理",
    }


async def test_the_whole_cycle_and_its_rules(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int]
) -> None:
    admin, reviewer, ent_g, ent_u = (clients[n] for n in ("admin", "reviewer", "ent_g", "ent_u"))
    created = await reviewer.post(
        "/api/v1/inspections",
        json={
            "kind": "sasac_supervision",
            "name": "2099年度合规管理督促检查",
            "started_on": "2099-03-01",
            "ended_on": "2099-03-10",
            "enterprise_ids": [roster["G"], roster["G1"]],
            "ratings": {str(roster["G"]): {"organisation": "good", "rules": "excellent"}},
        },
    )
    assert created.status_code == 201, created.text
    inspection = created.json()["id"]
    raised = await reviewer.post("/api/v1/findings", json=finding_body(roster["G1"], inspection))
    assert raised.status_code == 201, raised.text
    finding = raised.json()
    assert (finding["status_label"], finding["source_label"]) == ("未启动", "国资委督促检查")
    url = f"/api/v1/findings/{finding['id']}"

    # Another group cannot see it, nor post to it: 404, as if it did not exist.
    assert (await ent_u.get(url)).status_code == 404
    other = await ent_u.post(f"{url}/progress", files={"files": ("a.pdf", PDF, "application/pdf")})
    assert other.status_code == 404
    theirs = (await ent_u.get("/api/v1/findings")).json()["items"]
    assert finding["id"] not in [f["id"] for f in theirs]
    # The group sees it, with its subsidiary's name.
    mine = (await ent_g.get("/api/v1/findings")).json()
    assert [f["enterprise_name"] for f in mine["items"]] == ["示例子公司甲（示例）"]

    # 销号 needs evidence; progress with a file and the request moves it to 已完成待核验.
    no_file = await ent_g.post(
        f"{url}/progress", files={"note": (None, "已整改"), "ask_close": (None, "1")}
    )
    assert no_file.status_code == 400 and "佐证材料" in no_file.json()["detail"]
    done = await ent_g.post(
        f"{url}/progress",
        data={"note": "已补齐审查记录", "ask_close": "1"},
        files={"files": ("整改报告.pdf", PDF, "application/pdf")},
    )
    assert done.status_code == 201, done.text
    assert done.json()["status_label"] == "已完成待核验"
    assert await FindingFile.count() == 1

    # An enterprise can never close; the raiser cannot close their own.
    assert (await ent_g.post(f"{url}/close", json={})).status_code == 403
    own = await reviewer.post(f"{url}/close", json={})
    assert own.status_code == 403 and "提出问题的人" in own.json()["detail"]
    # 退回 needs a reason; with one, it goes back to 整改中.
    assert (await admin.post(f"{url}/reject", json={"reason": ""})).status_code == 400
    back = await admin.post(f"{url}/reject", json={"reason": "佐证材料未盖章"})
    assert back.status_code == 200 and back.json()["status_label"] == "整改中"
    again = await ent_g.post(
        f"{url}/progress",
        data={"note": "已盖章", "ask_close": "1"},
        files={"files": ("整改报告（盖章）.pdf", PDF + b"%", "application/pdf")},
    )
    assert again.status_code == 201
    closed = await admin.post(f"{url}/close", json={})
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["status_label"], body["checker_name"]) == ("已销号", "admin")
    kinds = [e["kind_label"] for e in body["history"]]
    assert kinds == ["提出问题", "整改进展", "申请销号", "退回", "整改进展", "申请销号", "核验销号"]
    assert (await admin.post(f"{url}/close", json={})).status_code == 409

    # Replaying a date before the finding existed: not found then.
    assert (await admin.get(f"{url}?as_of=2020-01-01")).status_code == 404
    # Every change is in the audit log.
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    for action in (
        "inspection_create",
        "finding_raise",
        "finding_progress",
        "finding_close_request",
        "finding_reject",
        "finding_close",
    ):
        assert action in actions, action
    # Evidence downloads are scoped too.
    file_id = (await FindingFile.select(FindingFile.id).first())["id"]
    assert (await ent_g.get(f"{url}/files/{file_id}")).status_code == 200
    assert (await ent_u.get(f"{url}/files/{file_id}")).status_code == 404


async def test_enterprises_record_only_their_own_self_inspection(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int]
) -> None:
    ent_g = clients["ent_g"]
    sasac = await ent_g.post(
        "/api/v1/inspections",
        json={
            "kind": "sasac_supervision",
            "name": "x",
            "started_on": "2024-01-01",
            "ended_on": "2024-01-02",
            "enterprise_ids": [roster["G"]],
        },
    )
    assert sasac.status_code == 403
    elsewhere = await ent_g.post("/api/v1/findings", json=finding_body(roster["U"]))
    assert elsewhere.status_code == 404
    own = await ent_g.post("/api/v1/findings", json=finding_body(roster["G2"]))
    assert own.status_code == 201 and own.json()["source_label"] == "企业自查"
    bad = await ent_g.post(
        "/api/v1/findings",
        json={**finding_body(roster["G"]), "severity": "x", "deadline": "2024-02-30"},
    )
    assert bad.status_code == 400 and "整改时限" in bad.json()["detail"]
    listed = await clients["admin"].get("/api/v1/findings?source=self&severity=serious")
    assert listed.json()["total"] == 1
    refused = await clients["admin"].get("/api/v1/findings?status=nonsense")
    assert refused.status_code == 400 and "整改状态" in refused.json()["detail"]
