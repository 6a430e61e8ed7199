"""企业管理: create, edit and move, deactivate, import, and who may do it."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import xlsxwriter

from backend.db.tables import AuditEvent, Enterprise
from backend.rules.credit_code import make_credit_code
from tests.fixtures import csrf_token, sign_in

BASE = "/admin/enterprises"
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "上级企业统一社会信用代码",
    "层级",
    "提级管理",
    "总法律顾问",
]
NEW_CODE = make_credit_code("9", "1", "150203", "AD0000001")
A, B = (make_credit_code("9", "1", "150203", f"MP{n:07d}") for n in (1, 2))


def xlsx(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("企业名录")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.fixture
async def admin(client: httpx.AsyncClient, accounts: dict[str, int]) -> httpx.AsyncClient:
    assert (await sign_in(client, "admin")).status_code == 303
    return client


async def post(client: httpx.AsyncClient, path: str, **form: str) -> httpx.Response:
    token = await csrf_token(client, BASE)
    return await client.post(path, data={**form, "_csrf_token": token})


async def upload(
    client: httpx.AsyncClient, content: bytes, *, name: str = "名录.xlsx", dry_run: bool = False
) -> httpx.Response:
    token = await csrf_token(client, BASE)
    return await client.post(
        f"{BASE}/import",
        files={"file": (name, content, "application/octet-stream")},
        data={"dry_run": "1"} if dry_run else {},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )


async def row(enterprise_id: int) -> dict[str, Any]:
    found = await Enterprise.select().where(Enterprise.id == enterprise_id).first()
    assert found is not None
    return found


async def actions() -> list[str]:
    return [r["action"] for r in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]


async def test_list_shows_the_roster_with_numbered_rows(
    admin: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    page = await admin.get(BASE)
    assert page.status_code == 200
    for text in (
        "序号",
        "统一社会信用代码",
        "提级管理",
        "操作",
        "市属一级示例集团（示例）",
        "共 4 家企业",
    ):
        assert text in page.text
    found = await admin.get(BASE, params={"q": "孙公司", "cohort": "SUB"})
    assert "示例孙公司乙（示例）" in found.text and "示例子公司甲（示例）" not in found.text
    none = await admin.get(BASE, params={"status": "inactive"})
    assert "没有符合条件的企业" in none.text


async def test_create_validates_the_credit_code_and_refuses_duplicates(
    admin: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    bad = NEW_CODE[:17] + ("0" if NEW_CODE[17] != "0" else "1")
    response = await post(admin, f"{BASE}/", name="新企业（示例）", credit_code=bad)
    assert response.status_code == 422
    assert "与前17位不符" in response.text
    assert await Enterprise.count().where(Enterprise.name == "新企业（示例）") == 0

    form = {
        "name": "新企业（示例）",
        "credit_code": NEW_CODE.lower(),
        "parent_id": str(roster["G1"]),
    }
    response = await post(admin, f"{BASE}/", **form, has_general_counsel="1")
    assert response.status_code == 200 and "企业已创建" in response.text
    created = await Enterprise.select().where(Enterprise.credit_code == NEW_CODE).first()
    assert created is not None
    g, g1 = roster["G"], roster["G1"]
    assert created["path"] == f"/{g}/{g1}/{created['id']}/"
    assert (created["group_id"], created["tier"], created["has_general_counsel"]) == (g, 3, True)

    again = await post(admin, f"{BASE}/", name="重复企业", credit_code=NEW_CODE)
    assert again.status_code == 422 and "已登记为“新企业（示例）”" in again.text

    upgraded = await post(
        admin, f"{BASE}/", name="提级子企业", credit_code=A, parent_id=str(g), upgraded_mgmt="1"
    )
    assert upgraded.status_code == 422 and "不能有上级企业" in upgraded.text
    assert await actions() == ["login", "enterprise_create"]


async def test_moving_a_subsidiary_moves_its_subtree(
    admin: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    u, g1, g2 = roster["U"], roster["G1"], roster["G2"]
    before = await row(g1)
    form = {"name": "示例子公司甲（改名）", "credit_code": before["credit_code"]}
    response = await post(admin, f"{BASE}/{g1}", **form, parent_id=str(u))
    assert response.status_code == 200 and "已保存" in response.text
    moved, child = await row(g1), await row(g2)
    assert (moved["name"], moved["parent"], moved["path"]) == (form["name"], u, f"/{u}/{g1}/")
    assert (moved["group_id"], moved["tier"]) == (u, 2)
    assert (child["path"], child["group_id"], child["tier"]) == (f"/{u}/{g1}/{g2}/", u, 3)

    loop = await post(admin, f"{BASE}/{g1}", **form, parent_id=str(g2))
    assert loop.status_code == 422 and "不能把企业调整到其自身或其下属企业之下" in loop.text
    assert (await row(g1))["parent"] == u
    events = await AuditEvent.select().where(AuditEvent.action == "enterprise_update")
    assert len(events) == 1 and events[0]["entity_id"] == str(g1)


async def test_deactivate_is_refused_while_active_subsidiaries_remain(
    admin: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    page = await admin.get(f"{BASE}/{roster['G2']}")
    assert "data-confirm=" in page.text and "/deactivate" in page.text
    refused = await post(admin, f"{BASE}/{roster['G']}/deactivate")
    assert refused.status_code == 409 and "仍有 2 家在用的下属企业" in refused.text
    assert (await row(roster["G"]))["active"] is True

    done = await post(admin, f"{BASE}/{roster['G2']}/deactivate")
    assert done.status_code == 200 and "已停用" in done.text
    assert (await row(roster["G2"]))["active"] is False
    again = await post(admin, f"{BASE}/{roster['G2']}/reactivate")
    assert again.status_code == 200 and (await row(roster["G2"]))["active"] is True
    assert await actions() == ["login", "enterprise_deactivate", "enterprise_update"]


async def test_there_is_no_delete_route(admin: httpx.AsyncClient, roster: dict[str, int]) -> None:
    token = await csrf_token(admin, BASE)
    for path in (f"{BASE}/{roster['G2']}", f"{BASE}/{roster['G2']}/delete"):
        response = await admin.request("DELETE", path, headers={"X-CSRFToken": token})
        assert response.status_code in {404, 405}
        response = await admin.post(
            path.replace("/delete", "/remove"), headers={"X-CSRFToken": token}
        )
        assert response.status_code in {404, 405, 422}
    assert await Enterprise.count() == 4


async def test_the_template_downloads_with_its_chinese_name(admin: httpx.AsyncClient) -> None:
    response = await admin.get(f"{BASE}/import/template")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment") and quote("企业名录导入模板.xlsx") in disposition
    page = await admin.get(f"{BASE}/import")
    assert 'hx-encoding="multipart/form-data"' in page.text and "只校验不导入" in page.text


async def test_import_checks_then_writes_a_valid_file(admin: httpx.AsyncClient) -> None:
    content = xlsx(
        [["集团甲（示例）", A, "", "1", "否", "是"], ["子公司乙（示例）", B, A, "2", "否", "否"]]
    )
    checked = await upload(admin, content, dry_run=True)
    assert checked.status_code == 200 and "校验通过" in checked.text and "新增 2 家" in checked.text
    assert await Enterprise.count() == 0

    imported = await upload(admin, content)
    assert imported.status_code == 200 and "导入完成" in imported.text
    codes = {r["credit_code"]: r for r in await Enterprise.select()}
    assert codes[B]["path"] == f"/{codes[A]['id']}/{codes[B]['id']}/"
    events = await AuditEvent.select().where(AuditEvent.action == "enterprise_import")
    assert len(events) == 1


async def test_a_file_with_errors_imports_nothing_and_says_which_rows(
    admin: httpx.AsyncClient,
) -> None:
    bad = xlsx(
        [["集团甲（示例）", A, "", "1", "否", "是"], ["", B[:17] + "0", A, "3", "也许", "否"]]
    )
    response = await upload(admin, bad)
    assert response.status_code == 422 and "整个文件均未导入" in response.text
    assert "第 3 行" in response.text and "请填写企业名称" in response.text
    assert await Enterprise.count() == 0

    not_excel = await upload(admin, "企业名称,统一社会信用代码\n".encode(), name="名录.csv")
    assert not_excel.status_code == 422 and "另存为” .xlsx" in not_excel.text
    assert await actions() == ["login"]


async def test_a_multipart_upload_without_the_csrf_header_is_refused(
    admin: httpx.AsyncClient,
) -> None:
    token = await csrf_token(admin, BASE)
    response = await admin.post(
        f"{BASE}/import",
        files={"file": ("名录.xlsx", xlsx([["集团甲（示例）", A, "", "1", "否", "否"]]))},
        data={"_csrf_token": token},
    )
    assert response.status_code == 403
    assert await Enterprise.count() == 0


async def test_a_reviewer_may_not_use_any_admin_enterprise_route(
    client: httpx.AsyncClient, roster: dict[str, int], accounts: dict[str, int]
) -> None:
    assert (await sign_in(client, "reviewer")).status_code == 303
    e = roster["G2"]
    for path in (BASE, f"{BASE}/new", f"{BASE}/{e}", f"{BASE}/import", f"{BASE}/import/template"):
        assert (await client.get(path)).status_code == 403, path
    token = await csrf_token(client, "/enterprises")
    for path in (f"{BASE}/", f"{BASE}/{e}", f"{BASE}/{e}/deactivate", f"{BASE}/{e}/reactivate"):
        response = await client.post(path, data={"name": "x", "_csrf_token": token})
        assert response.status_code == 403, path
    upload_response = await client.post(
        f"{BASE}/import",
        files={"file": ("名录.xlsx", xlsx([]))},
        headers={"X-CSRFToken": token},
    )
    assert upload_response.status_code == 403
    assert (await row(e))["active"] is True
    # Nothing changed; the refusals themselves are audited since issue 8 (access_denied).
    assert [a for a in await actions() if a != "access_denied"] == ["login"]
    assert "access_denied" in await actions()
