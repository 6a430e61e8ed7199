"""我的报送: the enterprise sees its group's duties most urgent first, and uploads through the
submissions API as the page's script does (multipart with the X-CSRFToken header)."""

from __future__ import annotations

import re

import httpx
import pytest

from backend.db.tables import Obligation
from backend.rules.cell_status import Status
from backend.rules.cohorts import AppliesTo
from tests.fixtures import csrf_token, sign_in

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ITEM = re.compile(r'<li class="ws-item" id="item-(\d+)" data-status="(\w+)"')
URGENCY = ["overdue", "returned", "due_soon", "not_due", "submitted"]
DONE = {"approved", "approved_late", "exempt"}


@pytest.fixture
async def ent_g(client: httpx.AsyncClient, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    response = await sign_in(client, "ent_g")
    assert response.status_code == 303, response.text
    return client


def items(html: str) -> list[tuple[int, str]]:
    return [(int(i), status) for i, status in ITEM.findall(html)]


async def upload(
    client: httpx.AsyncClient,
    enterprise_id: int,
    obligation_id: int,
    *,
    name: str = "整改报告.pdf",
    content: bytes = PDF,
    not_secret: bool = True,
) -> httpx.Response:
    token = await csrf_token(client, "/workspace")
    data = {
        "enterprise_id": str(enterprise_id),
        "obligation_id": str(obligation_id),
        "note": "按要求报送",
        "doc_no": "",
        "doc_on": "",
    }
    if not_secret:
        data["not_secret"] = "1"
    return await client.post(
        "/api/v1/submissions",
        data=data,
        files=[("files", (name, content, "application/pdf"))],
        headers={"X-CSRFToken": token},
    )


async def group_duty(exclude: set[str]) -> int:
    """An obligation the group itself reports (not 全级次), other than the roster's ones."""
    rows = await Obligation.select(Obligation.id, Obligation.code, Obligation.applies_to).where(
        Obligation.applies_to.is_in([AppliesTo.ALL.value, AppliesTo.T1.value])
    )
    return next(r["id"] for r in rows if r["code"] not in exclude)


async def test_group_items_sorted_by_urgency(ent_g: httpx.AsyncClient, roster: dict) -> None:
    home = await ent_g.get("/", follow_redirects=False)
    assert home.headers["location"] == "/dashboard"  # the 工作台 first; 我的报送 in the menu
    page = await ent_g.get("/workspace")
    assert page.status_code == 200, page.text
    html = page.text
    assert "我的报送" in html and 'href="/workspace"' in html
    assert "本人确认所报材料不涉及国家秘密" in html
    found = items(html)
    assert found, "no items"
    ranks = [URGENCY.index(s) if s in URGENCY else len(URGENCY) for _, s in found]
    assert ranks == sorted(ranks), found
    assert re.search(r"逾期 <strong>\d+</strong> 项，退回待改 <strong>1</strong> 项", html)
    # The roster: G's P1 was submitted and never reviewed, its A5 returned with reasons.
    a5 = (await Obligation.select(Obligation.id).where(Obligation.code == "A5").first())["id"]
    assert (a5, "returned") in found
    assert "退回原因：材料不全" in html and "审核意见：请补充盖章页" in html
    assert "重新报送" in html
    assert any(s == "submitted" for _, s in found)
    # Only the group's own cells: one item per obligation, none for the subsidiaries.
    ids = [i for i, _ in found]
    assert len(ids) == len(set(ids))
    done_at = html.find('id="workspace-done"')
    if done_at != -1:
        assert all(s in DONE for _, s in items(html[done_at:]))


async def test_year_filter_and_list_fragment(ent_g: httpx.AsyncClient, roster: dict) -> None:
    fragment = await ent_g.get(
        "/workspace",
        params={"year": "2024"},
        headers={"HX-Request": "true", "HX-Target": "workspace-items"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "ws-summary" in fragment.text
    bad = await ent_g.get("/workspace", params={"year": "1999"})
    assert bad.status_code == 400


async def test_sasac_reviewer_may_not_open_the_workspace(staff: httpx.AsyncClient) -> None:
    assert (await staff.get("/workspace", follow_redirects=False)).status_code == 403


async def test_upload_marks_the_item_submitted(ent_g: httpx.AsyncClient, roster: dict) -> None:
    duty = await group_duty({"P1", "A5"})
    before = dict(items((await ent_g.get("/workspace")).text))
    assert before[duty] != "submitted"
    response = await upload(ent_g, roster["G"], duty)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "submitted" and body["version"] == 1
    assert body["files"][0]["name"] == "整改报告.pdf"
    page = (await ent_g.get("/workspace")).text
    assert dict(items(page))[duty] == "submitted"
    block = page[page.index(f'id="item-{duty}"') :]
    assert Status.SUBMITTED.label in block[: block.index("</li>")]


async def test_upload_without_declaration_is_refused(
    ent_g: httpx.AsyncClient, roster: dict
) -> None:
    response = await upload(ent_g, roster["G"], await group_duty(set()), not_secret=False)
    assert response.status_code == 400
    assert response.json()["detail"] == "请确认所报材料不涉及国家秘密后再报送。"


async def test_renamed_executable_is_refused(ent_g: httpx.AsyncClient, roster: dict) -> None:
    response = await upload(
        ent_g, roster["G"], await group_duty(set()), name="x.pdf", content=b"MZ\x90\x00" * 64
    )
    assert response.status_code == 400
    assert "改扩展名无效" in response.json()["detail"]


async def test_file_named_as_classified_is_refused(ent_g: httpx.AsyncClient, roster: dict) -> None:
    response = await upload(ent_g, roster["G"], await group_duty(set()), name="机密文件.pdf")
    assert response.status_code == 400
    assert "国家秘密" in response.json()["detail"]


async def test_other_groups_enterprise_is_not_found(ent_g: httpx.AsyncClient, roster: dict) -> None:
    response = await upload(ent_g, roster["U"], await group_duty(set()))
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该企业或节点任务。"


async def test_subsidiary_group_wide_duty_is_refused(
    ent_g: httpx.AsyncClient, roster: dict
) -> None:
    a5 = (await Obligation.select(Obligation.id).where(Obligation.code == "A5").first())["id"]
    response = await upload(ent_g, roster["G1"], a5)
    assert response.status_code == 400
    assert "全级次" in response.json()["detail"]


async def test_upload_without_csrf_header_is_refused(
    ent_g: httpx.AsyncClient, roster: dict
) -> None:
    response = await ent_g.post(
        "/api/v1/submissions",
        data={"enterprise_id": str(roster["G"]), "obligation_id": "1", "not_secret": "1"},
        files=[("files", ("a.pdf", PDF, "application/pdf"))],
    )
    assert response.status_code == 403
