"""Where the checks show: the enterprise's lists page (upload, errors, checks), the reviewer's
A3 page and the A3 cell's side panel; A3 with failing lists is neither submitted nor approved
without a reason; SASAC's coverage page, its xlsx export and the risk search."""

from __future__ import annotations

import io

import httpx
import pytest
from litestar import Litestar
from python_calamine import CalamineWorkbook

from backend.db.tables import AuditEvent, ListVersion, Obligation, Review, Submission
from backend.rules.lists.model import Sheet
from tests.conftest import client_for
from tests.factories import obligation_id, submit
from tests.fixtures import at, csrf_token, sign_in
from tests.lists_workbook import good_rows, workbook


async def signed(app: Litestar, username: str) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, username)).status_code == 303
    client.headers["X-CSRFToken"] = await csrf_token(client, "/account/password")
    return client


def failing_rows() -> dict[Sheet, list[dict[str, object]]]:
    rows = good_rows()
    rows[Sheet.RISK] = [r for r in rows[Sheet.RISK] if r["domain"] != "投资管理"]
    return rows


async def page_upload(
    client: httpx.AsyncClient, data: bytes, dry_run: str, enterprise_id: int
) -> httpx.Response:
    return await client.post(
        "/lists/upload",
        data={"enterprise_id": str(enterprise_id), "dry_run": dry_run},
        files=[("file", ("清单.xlsx", data, "application/octet-stream"))],
        headers={"HX-Request": "true"},
    )


@pytest.fixture
async def ent_g(app: Litestar, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    return await signed(app, "ent_g")


async def test_the_lists_page_checks_and_stores_a_workbook(
    ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    workspace = await ent_g.get("/workspace")
    assert workspace.text.count("data-lists-link") == 1  # on the A3 item, before submitting
    page = await ent_g.get("/lists")
    assert page.status_code == 200 and "尚未导入三张清单" in page.text
    assert 'href="/lists/template"' in page.text
    rows = good_rows()
    rows[Sheet.RISK][3]["impact"] = 9
    bad = await page_upload(ent_g, workbook(rows), "1", roster["G"])
    assert bad.status_code == 200
    assert "违规风险清单" in bad.text and "第 5 行" in bad.text and "影响程度" in bad.text
    assert "按可读取的行初步检查" in bad.text
    assert await ListVersion.count() == 0
    dry = await page_upload(ent_g, workbook(failing_rows()), "1", roster["G"])
    assert "校验通过" in dry.text and "不通过" in dry.text and "投资管理" in dry.text
    broken = good_rows()
    broken[Sheet.PROCESS][0]["risk_refs"] = "99"
    dry = await page_upload(ent_g, workbook(broken), "1", roster["G"])
    assert "重点流程节点清单第2行“关联风险点”" in dry.text
    assert await ListVersion.count() == 0
    saved = await page_upload(ent_g, workbook(), "0", roster["G"])
    assert "已保存为第 1 版" in saved.text
    page = await ent_g.get("/lists")
    assert "第 1 版" in page.text and "重点领域覆盖" in page.text


async def test_a3_cannot_be_submitted_with_failing_lists_but_can_with_warnings(
    ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a3 = await obligation_id("A3")
    fields = {"enterprise_id": str(roster["G"]), "obligation_id": str(a3), "not_secret": "1"}
    pdf = [("files", ("三张清单.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf"))]
    await page_upload(ent_g, workbook(failing_rows()), "0", roster["G"])
    refused = await ent_g.post("/api/v1/submissions", data=fields, files=pdf)
    assert refused.status_code == 400
    assert "自动检查有不通过项" in refused.json()["detail"]
    await page_upload(ent_g, workbook(), "0", roster["G"])  # v2: a freshness warning only
    accepted = await ent_g.post("/api/v1/submissions", data=fields, files=pdf)
    assert accepted.status_code == 201, accepted.text


async def test_the_reviewer_sees_the_checks_and_must_name_a_reason_to_approve(
    app: Litestar, ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a3 = await obligation_id("A3")
    await submit(roster["G"], a3, at(2023, 12, 20))
    await page_upload(ent_g, workbook(failing_rows()), "0", roster["G"])
    submission = await Submission.select(Submission.id).where(Submission.obligation == a3).first()
    sid = submission["id"]
    reviewer = await signed(app, "reviewer")
    page = await reviewer.get(f"/reviews/{sid}")
    assert page.status_code == 200
    assert "三张清单自动检查" in page.text and "重点领域覆盖" in page.text
    assert "投资管理" in page.text
    panel = await reviewer.get(
        f"/board/cell?enterprise_id={roster['G']}&obligation_id={a3}",
        headers={"HX-Request": "true"},
    )
    assert "三张清单自动检查" in panel.text and "不通过" in panel.text
    body = {"decision": "approve", "grade": "pass"}
    refused = await reviewer.post(f"/api/v1/submissions/{sid}/review", json=body)
    assert refused.status_code == 400
    assert "请在审核意见中写明理由" in refused.json()["detail"]
    assert await Review.count().where(Review.version.submission == sid) == 0
    body["comment"] = "投资管理领域已另文报送，经核实同意通过"
    approved = await reviewer.post(f"/api/v1/submissions/{sid}/review", json=body)
    assert approved.status_code == 200, approved.text
    event = await AuditEvent.select().where(AuditEvent.action == "review").first()
    assert '"lists_failing_overridden":true' in str(event["changes"]).replace(" ", "").lower()


async def test_other_obligations_show_no_lists_panel(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    reviewer = await signed(app, "reviewer")
    p1 = await Obligation.select(Obligation.id).where(Obligation.code == "P1").first()
    panel = await reviewer.get(
        f"/board/cell?enterprise_id={roster['G']}&obligation_id={p1['id']}",
        headers={"HX-Request": "true"},
    )
    assert panel.status_code == 200 and "三张清单自动检查" not in panel.text


async def test_sasac_coverage_page_export_and_search(
    app: Litestar, ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    await page_upload(ent_g, workbook(failing_rows()), "0", roster["G"])
    leader = await signed(app, "leader")
    page = await leader.get("/lists/coverage")
    assert page.status_code == 200
    assert page.text.count('class="gap"') == 1 + 17  # G lacks 投资管理; U has no lists
    export = await leader.get("/lists/coverage.xlsx?cohort=T1")
    assert export.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    cells = sheet.to_python()
    assert cells[0][:5] == ["序号", "企业名称", "类别", "清单版本", "检查结果"]
    assert len(cells) == 2 and cells[1][1] == "市属一级示例集团（示例）"
    assert cells[1][4] == "不通过" and "缺" in cells[1] and cells[1][-1] == 1
    hits = await leader.get("/lists/risks?domain=公司治理&level=high")
    assert hits.status_code == 200 and "风险点1" in hits.text
    assert (await ent_g.get("/lists/coverage")).status_code == 403
    assert (await ent_g.get("/lists/risks")).status_code == 403
    assert (await leader.get(f"/lists?enterprise_id={roster['G']}")).status_code == 200
    assert (await leader.get("/lists", follow_redirects=False)).status_code in (302, 303)


async def test_demo_lists_cover_most_groups_with_a_few_real_gaps(
    programme: int, tmp_path: object
) -> None:
    import datetime as dt
    from pathlib import Path

    from backend.domain.demo.generator import load_demo
    from backend.domain.demo.lists import load_demo_lists
    from backend.domain.lists.reads import coverage
    from backend.storage import FileStore

    await load_demo(FileStore(Path(str(tmp_path))), today=dt.date(2026, 11, 28))
    stored = await load_demo_lists(today=dt.date(2026, 11, 28))
    assert stored > 23  # 27 groups, some with a second version
    groups = [row for row in (await coverage()).items if row.cohort != "SUB"]
    assert len(groups) == 30
    without = [row for row in groups if row.version is None]
    assert len(without) == 3
    with_gaps = [row for row in groups if row.version and row.gaps]
    assert 2 <= len(with_gaps) <= 4  # two missing a domain, one with overseas business
    assert {row.result for row in groups if row.version} == {"pass", "fail"}
    assert sum(1 for row in groups if row.result == "fail") == 4  # and one broken reference
