"""三张清单 through the API: template out, a bad workbook reported cell by cell with nothing
stored, a good one stored, a second one a new version; tenancy and the coverage view."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from python_calamine import CalamineWorkbook

from backend.db.tables import AuditEvent, ListNode, ListPost, ListRisk, ListVersion
from backend.rules.lists.model import Sheet
from backend.settings import get_settings
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in
from tests.lists_workbook import good_rows, workbook


def stored_files() -> list[Path]:
    root = get_settings().storage_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def signed(app: Litestar, username: str) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, username)).status_code == 303
    client.headers["X-CSRFToken"] = await csrf_token(client, "/account/password")
    return client


@pytest.fixture
async def ent_g(app: Litestar, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    return await signed(app, "ent_g")


async def upload(
    client: httpx.AsyncClient, data: bytes, query: str = "", **fields: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/lists{query}",
        data=fields,
        files=[("file", ("三张清单.xlsx", data, "application/octet-stream"))],
    )


async def nothing_stored() -> bool:
    return (
        await ListVersion.count() == 0
        and await ListRisk.count() == 0
        and not [p for p in stored_files() if ".incoming" not in p.parts]
    )


async def test_the_template_downloads_as_a_workbook(ent_g: httpx.AsyncClient) -> None:
    response = await ent_g.get("/api/v1/lists/template")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert {"填写说明", "违规风险清单", "重点岗位合规职责清单", "重点流程节点清单"} <= set(
        book.sheet_names
    )


async def test_a_bad_workbook_is_reported_by_sheet_row_and_column_and_nothing_is_stored(
    ent_g: httpx.AsyncClient,
) -> None:
    rows = good_rows()
    rows[Sheet.RISK] = [r for r in rows[Sheet.RISK] if r["domain"] != "投资管理"]  # a gap
    rows[Sheet.POSITION][1]["risk_refs"] = "2、99"  # no risk 99
    rows[Sheet.RISK][0]["likelihood"] = "很高"  # a bad value
    response = await upload(ent_g, workbook(rows))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["version"] is None
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [
        ("违规风险清单", 2, "发生可能性")
    ]
    assert "正整数" in body["errors"][0]["message"]
    # The checks run on what could be read, so one upload names all three problems.
    checks = {c["code"]: c for c in body["checks"]}
    assert checks["domain_coverage"]["result"] == "fail"
    assert "投资管理" in checks["domain_coverage"]["detail"]
    assert checks["integrity"]["result"] == "fail"
    assert checks["integrity"]["rows"] == [
        {"sheet": "重点岗位合规职责清单", "row": 3, "column": "合规风险点"}
    ]
    assert checks["integrity"]["name"] == "清单完整性"
    assert await nothing_stored()
    # With the bad value fixed, a dry run passes validation and still stores nothing.
    rows[Sheet.RISK][0]["likelihood"] = 3
    response = await upload(ent_g, workbook(rows), "?dry_run=1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] is None and body["errors"] == []
    assert {c["code"]: c["result"] for c in body["checks"]}["integrity"] == "fail"
    assert await nothing_stored()


async def test_a_good_workbook_is_stored_and_a_second_is_a_new_version(
    ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    first = await upload(ent_g, workbook())
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1
    results = {c["code"]: c["result"] for c in first.json()["checks"]}
    assert results.pop("freshness") == "warn"  # dated 2023: over a year old by now
    assert set(results.values()) == {"pass"}
    assert await ListRisk.count() == 16 and await ListPost.count() == 2
    assert await ListNode.count() == 4
    second = await upload(ent_g, workbook(good_rows(extra_risks=4)))
    assert second.json()["version"] == 2
    assert await ListVersion.count() == 2 and await ListRisk.count() == 36  # v1 kept
    lists = (await ent_g.get("/api/v1/lists")).json()
    assert lists["enterprise_id"] == roster["G"] and lists["version"] == 2
    assert len(lists["risks"]) == 20 and lists["risks"][0]["level"] == "高"
    assert lists["nodes"][3]["review_matter"] == "重大项目投资运营"
    risk = lists["risks"][0]  # every kind of value comes back as it was written
    assert risk["consequences"] == ["经济损失", "声誉损失"] and risk["alert"] is True
    assert risk["updated_on"] == "2023-12-25" and risk["likelihood"] == 3
    assert lists["posts"][0]["risk_refs"] == [1, 3] and lists["posts"][1]["headcount"] == 2
    assert lists["posts"][0]["headcount"] is None
    assert lists["nodes"][0]["review_required"] is True and lists["nodes"][0]["in_system"] is False
    assert lists["approved_on"] == "2023-12-20" and lists["has_overseas"] is False
    assert [v["version"] for v in lists["versions"]] == [2, 1]
    events = await AuditEvent.select().where(AuditEvent.action == "lists_import")
    assert [e["enterprise_id"] for e in events] == [roster["G"], roster["G"]]


async def test_an_enterprise_sees_and_fills_only_its_own_group(
    app: Litestar, ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    assert (await upload(ent_g, workbook(), enterprise_id=str(roster["U"]))).status_code == 404
    assert (await upload(ent_g, workbook(), enterprise_id=str(roster["G1"]))).status_code == 201
    assert (await ent_g.get(f"/api/v1/lists?enterprise_id={roster['G1']}")).status_code == 200
    ent_u = await signed(app, "ent_u")
    assert (await ent_u.get(f"/api/v1/lists?enterprise_id={roster['G1']}")).status_code == 404
    assert (await ent_u.get("/api/v1/lists/coverage")).status_code == 403
    assert (await ent_u.get("/api/v1/lists/risks")).status_code == 403


async def test_not_a_workbook_is_refused_in_chinese(ent_g: httpx.AsyncClient) -> None:
    response = await ent_g.post(
        "/api/v1/lists", files=[("file", ("清单.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))]
    )
    assert response.status_code == 400
    assert "Excel" in response.json()["detail"]
    assert await nothing_stored()


async def test_coverage_and_search_match_the_stored_lists(
    app: Litestar, ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    rows = good_rows()
    rows[Sheet.RISK] = [r for r in rows[Sheet.RISK] if r["domain"] != "投资管理"]
    rows[Sheet.EXEMPT] = [{"domain": "工程建设", "reason": "不从事工程建设"}]
    assert (await upload(ent_g, workbook(rows))).status_code == 201
    reviewer = await signed(app, "reviewer")
    body = (await reviewer.get("/api/v1/lists/coverage")).json()
    assert len(body["domains"]) == 17
    by_id = {row["enterprise_id"]: row for row in body["items"]}
    g = by_id[roster["G"]]
    assert g["version"] == 1 and g["gaps"] == ["投资管理"]
    assert g["not_applicable"] == ["域外业务"]  # 工程建设 has a risk item anyway
    assert g["counts"]["公司治理"] == 1 and g["result"] == "fail"
    assert by_id[roster["U"]]["version"] is None and len(by_id[roster["U"]]["gaps"]) == 17
    assert roster["G1"] not in by_id  # a subsidiary without lists of its own
    upg = (await reviewer.get("/api/v1/lists/coverage?cohort=UPG7")).json()
    assert [row["enterprise_id"] for row in upg["items"]] == [roster["U"]]
    hits = (await reviewer.get("/api/v1/lists/risks?level=high&domain=公司治理")).json()
    assert hits["total"] == 1 and hits["items"][0]["level"] == "高"
    assert (await reviewer.get("/api/v1/lists/risks?q=风险点1")).json()["total"] == 8  # 1, 10–16


async def test_concurrent_uploads_get_consecutive_versions(
    app: Litestar, ent_g: httpx.AsyncClient, tenant_accounts: dict[str, int]
) -> None:
    import asyncio

    other = await signed(app, "ent_g_user")
    answers = await asyncio.gather(
        upload(ent_g, workbook()), upload(other, workbook(good_rows(extra_risks=1)))
    )
    assert sorted(r.status_code for r in answers) == [201, 201], [r.text for r in answers]
    assert sorted(r.json()["version"] for r in answers) == [1, 2]
