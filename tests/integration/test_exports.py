"""导出: a reviewer requests a workbook, the job runs (in-process without Redis), the file is
downloaded under its Chinese name; enterprise accounts are refused; the CLI writes the same."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from litestar import Litestar

from backend.domain.exports.service import run_export
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]
JOB = re.compile(r"/exports/(\d+)")


async def request(client: httpx.AsyncClient, **form: str) -> tuple[int, httpx.Response]:
    token = await csrf_token(client, "/exports")
    response = await client.post(
        "/exports", data={**form, "_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.text
    found = JOB.search(response.text)
    assert found, response.text
    job_id = int(found.group(1))
    if "download" not in response.text:  # REDIS_URL set: queued for the worker; run it here
        assert 'hx-trigger="every 1s"' in response.text
        assert await run_export(job_id) == "done"
    return job_id, response


async def test_reviewer_exports_the_assessment_and_downloads_it(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    job_id, _ = await request(staff, kind="assessment", year="2023", as_of="2023-12-31")
    partial = await staff.get(f"/exports/{job_id}", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert f"/exports/{job_id}/download" in partial.text
    assert "every 1s" not in partial.text  # done: polling stops
    download = await staff.get(f"/exports/{job_id}/download")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert quote("考核评分表-2023-截至2023-12-31.xlsx") in disposition
    with zipfile.ZipFile(io.BytesIO(download.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "市属一级示例集团（示例）" in sheet
        assert "xl/worksheets/sheet2.xml" in z.namelist()
    page = await staff.get("/exports")
    assert page.status_code == 200 and "考核评分表-2023-截至2023-12-31.xlsx" in page.text
    # A done job is not rebuilt.
    assert await run_export(job_id) == "done"


async def test_board_export_and_bad_parameters(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    job_id, _ = await request(staff, kind="board", year="", as_of="2024-01-31")
    download = await staff.get(f"/exports/{job_id}/download")
    assert download.status_code == 200
    assert quote("进度台账-截至2024-01-31.xlsx") in download.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "逾期" in sheet and "提级管理示例集团（示例）" in sheet
    token = await csrf_token(staff, "/exports")
    bad = await staff.post(
        "/exports",
        data={"kind": "board", "as_of": "2024-13-01", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400 and "截至日期" in bad.text
    assert (await staff.get("/exports/99999")).status_code == 404


async def test_enterprise_accounts_may_not_export(
    app: Litestar, staff: httpx.AsyncClient, tenant_accounts: dict[str, int]
) -> None:
    job_id, _ = await request(staff, kind="board", as_of="2024-01-31")
    async with client_for(app) as other:
        assert (await sign_in(other, "ent_g_user")).status_code == 303
        assert (await other.get("/exports")).status_code == 403
        assert (await other.get(f"/exports/{job_id}/download")).status_code == 403
        token = await csrf_token(other, "/account/password")
        response = await other.post("/exports", data={"kind": "board", "_csrf_token": token})
        assert response.status_code == 403
    async with client_for(app) as leader:
        assert (await sign_in(leader, "leader")).status_code == 303
        assert (await leader.get(f"/exports/{job_id}/download")).status_code == 200


def test_cli_exports_the_board(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["HEGUI_VAR_DIR"] = str(tmp_path)

    def hegui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backend.cli", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip

    seeded = hegui("seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    out = tmp_path / "x.xlsx"
    result = hegui("export", "board", "--as-of", "2024-06-30", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "已导出进度台账" in result.stdout
    with zipfile.ZipFile(out) as z:
        assert "进度台账" in z.read("xl/workbook.xml").decode()
    result = hegui("export", "assessment", "--year", "2024", "--as-of", "2024-12-31", "-o",
                   str(tmp_path / "a.xlsx"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(tmp_path / "a.xlsx")
    bad = hegui("export", "assessment", "--year", "20x4", "-o", str(tmp_path / "b.xlsx"))
    assert bad.returncode == 2 and "年度" in bad.stderr


async def test_the_sheet_agrees_with_the_api_for_every_enterprise(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    """The same totals, grades and assessment points on the page's API and in the 考核评分表."""
    from python_calamine import CalamineWorkbook

    job_id, _ = await request(staff, kind="assessment", year="2023", as_of="2024-01-31")
    data = (await staff.get(f"/exports/{job_id}/download")).content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header_row = next(i for i, row in enumerate(sheet) if "企业名称" in row)
    header = sheet[header_row]
    name_col, total_col = header.index("企业名称"), header.index("总分")
    grade_col, points_col = header.index("等级"), header.index("考核得分")
    in_sheet = {
        row[name_col]: (float(row[total_col]), row[grade_col], float(row[points_col]))
        for row in sheet[header_row + 1 :]
        if row[name_col] and row[total_col] != ""
    }
    api = (await staff.get("/api/v1/scores", params={"year": "2023", "as_of": "2024-01-31"})).json()
    assert api["items"], api
    for item in api["items"]:
        total, grade, points = in_sheet[item["enterprise_name"]]
        assert total == pytest.approx(item["total"], abs=0.05)
        assert grade == item["grade"]
        assert points == pytest.approx(item["assessment_points"], abs=0.01)


async def test_export_year_stays_within_the_programme(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    from backend.lib.timeutil import today

    page = await staff.get("/exports")
    shown = re.search(r'name="year" value="(\d*)"', page.text)
    assert shown, page.text
    assert int(shown.group(1)) == min(max(today().year, 2023), 2025)  # the 2023–2025 programme
    token = await csrf_token(staff, "/exports")
    outside = await staff.post(
        "/exports",
        data={"kind": "assessment", "year": "2030", "as_of": "2025-12-31", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert outside.status_code == 400
    assert "2030" in outside.text and "2023—2025" in outside.text and "不在" in outside.text
    # No year given, an as-of date past the programme: its last year, not the as-of year.
    job_id, _ = await request(staff, kind="assessment", year="", as_of="2026-03-31")
    assert (
        "考核评分表-2025-截至2026-03-31.xlsx"
        in (await staff.get(f"/exports/{job_id}", headers={"HX-Request": "true"})).text
        + (await staff.get("/exports")).text
    )
