"""通报: built as a background export, downloaded by SASAC staff; the Word document and the
workbook, read back, list exactly the board's overdue and returned cells with their 催报."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import httpx
from docx import Document
from docx.oxml.ns import qn
from python_calamine import CalamineWorkbook

from backend.lib.timeutil import today
from tests import factories as f
from tests.fixtures import csrf_token
from tests.integration.test_exports import request


async def _expected(staff: httpx.AsyncClient) -> set[tuple[str, str]]:
    """(enterprise, obligation code) of each overdue or returned deliverable on the board."""
    board = (await staff.get("/api/v1/board?year=2023")).json()
    codes = {o["id"]: o["code"] for o in board["obligations"]}
    names = {r["enterprise"]["id"]: r["enterprise"]["name"] for r in board["rows"]}
    found = set()
    for row in board["rows"]:
        for cell in row["cells"]:
            if cell["status"] in ("overdue", "returned"):
                owner = cell["covered_by"] or row["enterprise"]["id"]
                found.add((names[owner], codes[cell["obligation_id"]]))
    return found


async def test_the_circular_docx_and_xlsx_have_the_boards_rows(
    staff: httpx.AsyncClient, roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    a1c = await f.obligation_id("A1c", 2023)
    staff.headers["X-CSRFToken"] = await csrf_token(staff, "/account/password")
    chased = await staff.post(
        "/api/v1/reminders", json={"obligation_id": a1c, "enterprise_ids": [roster["G"]]}
    )
    assert chased.status_code == 200, chased.text
    expected = await _expected(staff)
    assert ("市属一级示例集团（示例）", "A5") in expected  # returned for changes
    day = today().isoformat()

    job_id, _ = await request(staff, kind="circular_docx", year="2023", as_of=day)
    download = await staff.get(f"/exports/{job_id}/download")
    assert download.status_code == 200
    assert "wordprocessingml" in download.headers["content-type"]
    assert quote(f"通报-2023-截至{day}.docx") in download.headers["content-disposition"]
    doc = Document(io.BytesIO(download.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "文号：" in text and "合规管理工作节点任务逾期未报和退回待改情况的通报" in text
    assert "逾期天数按日历日计算" in text and "各市属国有企业：" in text
    table = doc.tables[0]
    head = [c.text for c in table.rows[0].cells]
    assert head == [
        "序号",
        "节点任务",
        "截止日期",
        "企业名称",
        "状态",
        "逾期天数（日历日）",
        "催报次数",
    ]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert {(r[3], r[1].split("（")[0]) for r in body} == expected
    assert [r[0] for r in body] == [str(i) for i in range(1, len(body) + 1)]
    a1c_row = next(r for r in body if r[1].startswith("A1c") and r[3].startswith("市属一级"))
    assert a1c_row[4] == "逾期未报" and a1c_row[6] == "1" and int(a1c_row[5]) > 600
    a5_row = next(r for r in body if r[1].startswith("A5") and r[3].startswith("市属一级"))
    assert a5_row[4] == "退回待改" and a5_row[6] == "0"
    fonts = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"

    job_id, _ = await request(staff, kind="circular_xlsx", year="2023", as_of=day)
    sheet = await staff.get(f"/exports/{job_id}/download")
    assert quote(f"通报-2023-截至{day}.xlsx") in sheet.headers["content-disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_name("通报")
    values = rows.to_python()
    header_at = next(i for i, r in enumerate(values) if r and r[0] == "序号")
    data = [r for r in values[header_at + 1 :] if isinstance(r[0], int | float) and r[0]]
    assert len(data) == len(body)
    assert {(r[3], str(r[1]).split("（")[0]) for r in data} == expected
    assert any(r[1].startswith("A1c") and r[3].startswith("市属一级") and r[6] == 1 for r in data)


async def test_the_demo_has_chases_and_a_circular(programme: int, tmp_path: Path) -> None:
    from backend.db.tables import ExportJob, ReminderLog
    from backend.domain.demo.accounts import create_demo_accounts
    from backend.domain.demo.chases import chase_demo
    from backend.domain.demo.generator import load_demo
    from backend.domain.shared.chases import chase_events, tally
    from backend.storage import FileStore

    await load_demo(FileStore(tmp_path))
    await create_demo_accounts()
    assert await chase_demo(5) > 0
    assert await ReminderLog.count().where(ReminderLog.kind == "chase") > 0
    assert max(t.count for t in tally(await chase_events()).values()) == 2  # 已催报 2 次
    job = await ExportJob.select().where(ExportJob.kind == "circular_docx").first()
    assert job is not None and job["status"] == "done", job
    assert job["file_name"].startswith("通报-截至") and job["progress"] > 0
