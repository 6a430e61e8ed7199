"""Importing the roster workbook: create, update, move subtrees, and all-or-nothing on errors."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from backend.db.tables import Enterprise
from backend.domain.enterprises.importer import import_roster
from backend.domain.enterprises.roster import RosterError, RowError, read_roster, roster_template
from backend.rules.credit_code import make_credit_code

CODE, PARENT = "统一社会信用代码", "上级企业统一社会信用代码"
HEADER = ["企业名称", CODE, PARENT, "层级", "提级管理", "总法律顾问"]
U, G, G1, G2, H = (make_credit_code("9", "1", "150203", f"RT{n:07d}") for n in range(1, 6))
ROSTER = [
    ["提级管理集团（示例）", U, "", "1", "是", "是"],
    ["一级集团（示例）", G, "", "1", "否", "否"],
    ["子公司甲（示例）", G1, G, "2", "否", "是"],
    ["孙公司乙（示例）", G2, G1, "3", "否", "否"],
]

MISMATCH_HINT = "代码中可能有输错的字符，请对照营业执照逐位核对"


def xlsx(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("企业名录")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


async def by_code() -> dict[str, dict]:
    rows = await Enterprise.select()
    return {r["credit_code"]: r for r in rows}


async def test_a_three_level_roster_imports_and_a_second_import_changes_nothing(db: None) -> None:
    report = await import_roster(xlsx(ROSTER))
    assert (report.created, report.updated, report.unchanged, report.errors) == (4, 0, 0, [])
    e = await by_code()
    u, g, g1, g2 = (e[c]["id"] for c in (U, G, G1, G2))
    assert e[U]["path"] == f"/{u}/" and e[U]["group_id"] == u
    assert e[G]["path"] == f"/{g}/" and e[G]["group_id"] == g
    assert e[G1]["path"] == f"/{g}/{g1}/" and e[G1]["group_id"] == g
    assert e[G2]["path"] == f"/{g}/{g1}/{g2}/" and e[G2]["group_id"] == g
    assert (e[G1]["parent"], e[G2]["parent"], e[U]["parent"]) == (g, g1, None)
    assert [e[c]["tier"] for c in (U, G, G1, G2)] == [1, 1, 2, 3]
    assert [e[c]["upgraded_mgmt"] for c in (U, G, G1, G2)] == [True, False, False, False]
    assert [e[c]["has_general_counsel"] for c in (U, G, G1, G2)] == [True, False, True, False]

    again = await import_roster(xlsx(ROSTER))
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 4, [])


async def test_an_update_renames_and_moves_a_subsidiary_with_its_children(db: None) -> None:
    await import_roster(xlsx([*ROSTER, ["另一集团（示例）", H, "", "1", "否", "否"]]))
    # G2 is not in the second file: it follows G1 all the same.
    report = await import_roster(
        xlsx(
            [
                ["另一集团（示例，更名）", H, "", "1", "否", "否"],
                ["子公司甲（示例）", G1, H, "2", "否", "是"],
            ]
        )
    )
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 2, 0, [])
    e = await by_code()
    h, g1, g2 = e[H]["id"], e[G1]["id"], e[G2]["id"]
    assert e[H]["name"] == "另一集团（示例，更名）"
    assert e[G1]["parent"] == h
    assert (e[G1]["path"], e[G1]["group_id"], e[G1]["tier"]) == (f"/{h}/{g1}/", h, 2)
    assert (e[G2]["path"], e[G2]["group_id"], e[G2]["tier"]) == (f"/{h}/{g1}/{g2}/", h, 3)
    assert e[G]["path"] == f"/{e[G]['id']}/"

    # Lifting a subsidiary to the top makes it a group of its own, its subtree following.
    await import_roster(xlsx([["子公司甲（示例）", G1, "", "1", "否", "是"]]))
    e = await by_code()
    assert (e[G1]["parent"], e[G1]["path"], e[G1]["group_id"], e[G1]["tier"]) == (
        None,
        f"/{g1}/",
        g1,
        1,
    )
    assert (e[G2]["path"], e[G2]["group_id"], e[G2]["tier"]) == (f"/{g1}/{g2}/", g1, 2)


async def test_a_file_with_errors_reports_every_row_and_writes_nothing(db: None) -> None:
    await import_roster(xlsx(ROSTER[:2]))
    before = await Enterprise.count()
    bad = H[:-1] + ("0" if H[-1] != "0" else "1")
    unknown = make_credit_code("9", "1", "150203", "RT9999999")
    report = await import_roster(
        xlsx(
            [
                ["新公司（示例）", G1, G, "2", "否", "否"],
                ["校验码错误公司", bad, "", "1", "否", "否"],
                ["重复公司", G1, G, "2", "否", "否"],
                ["上级不存在公司", G2, unknown, "2", "否", "否"],
                ["一级集团（示例，更名）", G, "", "1", "否", "否"],
            ]
        )
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert report.errors == [
        RowError(
            3,
            CODE,
            f"校验码（第18位“{bad[-1]}”）与前17位不符，" + MISMATCH_HINT,
        ),
        RowError(4, CODE, f"“{G1}”与第 2 行重复，同一企业只能填写一行"),
        RowError(5, PARENT, f"上级企业“{unknown}”既不在本表中，也不在系统已有企业中"),
    ]
    assert str(report.errors[0]).startswith("第 3 行“统一社会信用代码”：校验码（第18位")
    assert await Enterprise.count() == before
    e = await by_code()
    assert e[G]["name"] == "一级集团（示例）"


async def test_a_cycle_is_reported(db: None) -> None:
    report = await import_roster(
        xlsx([["甲公司", G1, G2, "2", "否", "否"], ["乙公司", G2, G1, "2", "否", "否"]])
    )
    assert report.errors == [
        RowError(2, PARENT, "上级关系形成循环：甲公司 → 乙公司 → 甲公司"),
        RowError(3, PARENT, "上级关系形成循环：乙公司 → 甲公司 → 乙公司"),
    ]
    assert await Enterprise.count() == 0


async def test_a_dry_run_reports_without_writing(db: None) -> None:
    report = await import_roster(xlsx(ROSTER), dry_run=True)
    assert (report.created, report.updated, report.errors) == (4, 0, [])
    assert await Enterprise.count() == 0


async def test_the_template_is_an_empty_roster_and_other_bytes_are_refused(db: None) -> None:
    template = roster_template()
    assert read_roster(template) == []
    with pytest.raises(RosterError, match="没有数据行"):  # an empty roster is a mistake
        await import_roster(template)
    with pytest.raises(RosterError):
        await import_roster(b"%PDF-1.7 definitely not a workbook")
    assert await Enterprise.count() == 0
