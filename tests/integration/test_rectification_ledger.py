"""The 整改台账 workbook: the import refuses a bad workbook row by row (nothing stored) and takes
a good one; the export (a background job like the others) reads back with the same rows, and
imports back as the same findings."""

from __future__ import annotations

import io
import re

import httpx
import xlsxwriter
from litestar import Litestar
from python_calamine import CalamineWorkbook

from backend.db.tables import Finding
from backend.domain.exports.service import run_export
from backend.domain.rectification.ledger import COLUMNS
from backend.lib.timeutil import today
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in

HEAD = ["问题来源", "涉及单位", "问题类别", "问题描述", "问题等级", "原因分析", "整改措施",
        "整改类型", "责任单位/责任人", "整改时限", "备注"]  # fmt: skip
GOOD = [
    ["专项检查", "市属一级示例集团（示例）", "合同管理", "合同台账不完整", "一般", "制度缺失",
     "补建台账", "限期整改", "法务部/张三", "2024-06-30", ""],
    ["国资委督促检查", "示例子公司甲（示例）", "投资管理", "投资项目未经合规论证", "重大", "",
     "补充论证", "立行立改", "投资部/李四", "2024-09-30", "示例备注"],
]  # fmt: skip


def workbook(rows: list[list[str]], head: list[str] = HEAD) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("整改台账")
    for col, name in enumerate(head):
        sheet.write_string(0, col, name)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            sheet.write_string(r, col, value)
    book.close()
    return out.getvalue()


async def upload(client: httpx.AsyncClient, data: bytes, check_only: bool = False) -> str:
    headers = {"HX-Request": "true", "X-CSRFToken": await csrf_token(client, "/findings/import")}
    files: dict[str, object] = {
        "file": (
            "台账.xlsx",
            data,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }
    if check_only:
        files["check_only"] = (None, "1")
    response = await client.post("/findings/import", headers=headers, files=files)
    assert response.status_code == 200, response.text
    return response.text


async def test_import_refuses_bad_rows_takes_good_ones_and_the_export_reads_back(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    client = client_for(app)
    assert (await sign_in(client, "reviewer")).status_code == 303
    wrong = ["专项检查", "不存在的公司", "合同管理", "x", "特别严重", "", "", "限期整改"]
    bad = [GOOD[0], [*wrong, "法务部/", "2024-02-30", ""]]
    refused = await upload(client, workbook(bad))
    assert "未保存任何一行" in refused
    for text in (
        "第 3 行“涉及单位”：未找到企业“不存在的公司”",
        "第 3 行“问题等级”：应为：一般、较重、重大",
        "第 3 行“整改时限”：日期“2024-02-30”无效",
        "第 3 行“责任单位/责任人”",
    ):
        assert text in refused, text
    assert "第 2 行" not in refused and await Finding.count() == 0
    assert "表头缺少列" in await upload(client, workbook(GOOD, HEAD[1:]))

    checked = await upload(client, workbook(GOOD), check_only=True)
    assert "检查通过：共 2 行" in checked and await Finding.count() == 0
    assert "已导入 2 个问题" in await upload(client, workbook(GOOD))
    assert await Finding.count() == 2

    # The export, as a background job like the others, in the §5.2 columns.
    token = await csrf_token(client, "/exports")
    form = {"kind": "findings", "year": "2024", "as_of": today().isoformat(), "_csrf_token": token}
    response = await client.post("/exports", data=form, headers={"HX-Request": "true"})
    job_id = int(re.search(r"/exports/(\d+)", response.text).group(1))  # type: ignore[union-attr]
    if "download" not in response.text:  # queued for a worker (REDIS_URL): run it here
        assert await run_export(job_id) == "done"
    download = await client.get(f"/exports/{job_id}/download")
    assert download.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(download.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    header_at = next(i for i, row in enumerate(rows) if "问题描述" in row)
    assert tuple(rows[header_at][: len(COLUMNS)]) == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=False)) for row in rows[header_at + 1 :] if row[5]]
    got = sorted([[str(r[c]) for c in HEAD] for r in body])
    assert got == sorted(GOOD)
    assert {r["整改状态"] for r in body} == {"逾期"}  # past the deadline and not closed

    # …and imports back as the same rows.
    again = workbook([[str(r[c]) for c in HEAD] for r in body])
    assert "已导入 2 个问题" in await upload(client, again)
    descriptions = sorted(r["description"] for r in await Finding.select(Finding.description))
    assert descriptions == sorted(2 * [g[3] for g in GOOD])
    await client.aclose()
