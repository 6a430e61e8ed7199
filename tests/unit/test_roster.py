"""Reading and validating the roster workbook, without a database."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter

from backend.domain.enterprises.roster import (
    ExistingEnterprise,
    RosterError,
    RowError,
    read_roster,
    roster_template,
    validate_roster,
)
from backend.rules.credit_code import make_credit_code

CODE, PARENT = "统一社会信用代码", "上级企业统一社会信用代码"
HEADER = ["企业名称", CODE, PARENT, "层级", "提级管理", "总法律顾问"]

MISMATCH_HINT = "代码中可能有输错的字符，请对照营业执照逐位核对"


def code(n: int) -> str:
    return make_credit_code("9", "1", "150203", f"MA{n:07d}")


def xlsx(rows: list[list[Any]]) -> bytes:
    """Strings are written as strings; other values keep their Excel type (number, boolean)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_values_are_trimmed_normalised_and_keep_their_excel_row_numbers() -> None:
    data = xlsx(
        [
            ["包头市国资委监管企业名录"],
            [],
            # Any column order, extra columns, full-width spaces and "(是/否)" in the header.
            [
                "备注",
                "　层级 ",
                "企业名称",
                "总法律顾问（是/否）",
                CODE,
                "提级管理 (是/否)",
                PARENT,
            ],
            ["首行", 1.0, "　甲集团（示例） ", "是", f" {code(1).lower()} ", "Y", ""],
            [None, None, None, None, None, None, None],
            ["", "二级", "乙公司", "0", code(2), "n", code(1)],
            ["", 3, "丙公司", True, code(3), "×", code(2)],
            ["", "第三级", "丁公司", "√", code(4), "false", code(2)],
            ["只有备注的一行"],
        ]
    )
    rows = read_roster(data)
    assert [r["row"] for r in rows] == [4, 6, 7, 8]
    first = rows[0]
    assert first["name"] == "甲集团（示例）"
    assert first["credit_code"] == code(1)
    assert first["parent_code"] == ""
    assert (first["tier"], first["upgraded"], first["gc"]) == (1, True, True)
    assert [r["tier"] for r in rows] == [1, 2, 3, 3]
    assert [r["upgraded"] for r in rows] == [True, False, False, False]
    assert [r["gc"] for r in rows] == [True, False, True, True]
    assert all(r["problems"] == [] for r in rows)


def test_full_width_credit_codes_are_normalised() -> None:
    full_width = code(5).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    rows = read_roster(xlsx([HEADER, ["戊公司", full_width, "", "1", "否", "否"]]))
    assert rows[0]["credit_code"] == code(5)


def test_unreadable_values_become_row_errors() -> None:
    rows = read_roster(xlsx([HEADER, ["甲公司", code(1), "", "顶级", "也许", "否"]]))
    assert rows[0]["tier"] is None
    assert rows[0]["problems"] == [
        ("层级", "应填写 1、2、3 或 一级、二级、三级，当前为“顶级”"),
        ("提级管理", "应填写“是”或“否”，当前为“也许”"),
    ]
    plan = validate_roster(rows, {})
    assert [str(e) for e in plan.errors] == [
        "第 2 行“层级”：应填写 1、2、3 或 一级、二级、三级，当前为“顶级”",
        "第 2 行“提级管理”：应填写“是”或“否”，当前为“也许”",
    ]


def test_bad_files_raise_roster_error() -> None:
    with pytest.raises(RosterError, match="无法读取文件"):
        read_roster(b"not a workbook")
    with pytest.raises(RosterError, match=f"未找到表头行：第一张工作表应包含列 企业名称、{CODE}"):
        read_roster(xlsx([["名称", "代码"], ["甲", code(1)]]))
    with pytest.raises(RosterError, match="表头缺少列：层级、总法律顾问"):
        read_roster(xlsx([["企业名称", CODE, PARENT, "提级管理"]]))


def test_template_has_the_header_and_no_rows() -> None:
    assert read_roster(roster_template()) == []


def rows_of(*lines: list[Any]) -> list[Any]:
    return read_roster(xlsx([HEADER, *lines]))


def test_validation_messages_name_the_row_and_column() -> None:
    bad = code(1)[:-1] + ("0" if code(1)[-1] != "0" else "1")
    rows = rows_of(
        ["", code(2), "", "1", "否", "否"],
        ["甲公司", bad, "", "1", "否", "否"],
        ["乙公司", code(3), code(3), "2", "否", "否"],
        ["丙公司", code(4), code(2), "2", "是", "否"],
        ["丁公司", code(5), code(4), "2", "否", "否"],
        ["戊公司", code(6), "", "2", "否", "否"],
        ["己公司", code(7), "", "", "否", "否"],
    )
    errors = validate_roster(rows, {}).errors
    assert errors == [
        RowError(2, "企业名称", "请填写企业名称"),
        RowError(
            3,
            CODE,
            f"校验码（第18位“{bad[-1]}”）与前17位不符，" + MISMATCH_HINT,
        ),
        RowError(4, PARENT, "上级企业不能是本企业自身"),
        RowError(5, "提级管理", "提级管理企业应为市属一级企业，不能填写上级企业"),
        RowError(6, "层级", "上级企业为 2 级，本企业层级应为“3”，当前为“2”"),
        RowError(7, "层级", "未填写上级企业的为一级企业，层级应为“1”，当前为“2”"),
        RowError(8, "层级", "请填写层级，本企业应为“1”"),
    ]


def test_parents_may_be_in_the_database_and_cycles_through_it_are_found() -> None:
    existing = {
        code(1): ExistingEnterprise(1, "甲集团", None, 1, False, False, True),
        code(2): ExistingEnterprise(2, "乙公司", code(1), 2, False, False, True),
    }
    plan = validate_roster(rows_of(["丙公司", code(3), code(2), "3", "否", "否"]), existing)
    assert plan.errors == []
    assert [(c.credit_code, c.parent_code, c.tier) for c in plan.creates] == [(code(3), code(2), 3)]
    # Putting the group under its own subsidiary closes a loop.
    plan = validate_roster(rows_of(["甲集团", code(1), code(2), "3", "否", "否"]), existing)
    assert plan.errors == [RowError(2, PARENT, "上级关系形成循环：甲集团 → 乙公司 → 甲集团")]


def test_plan_lists_changed_fields_only_parents_first() -> None:
    existing = {
        code(1): ExistingEnterprise(1, "甲集团", None, 1, True, False, True),
        code(2): ExistingEnterprise(2, "乙公司", code(1), 2, False, False, False),
    }
    plan = validate_roster(
        rows_of(
            ["丁公司", code(4), code(3), "二级", "否", "否"],
            ["乙公司", code(2), code(1), "2", "否", "否"],
            ["丙集团", code(3), "", "1", "否", "是"],
            ["甲集团（更名）", code(1), "", "1", "是", "否"],
        ),
        existing,
    )
    assert plan.errors == []
    assert [(c.row, c.tier) for c in plan.creates] == [(4, 1), (2, 2)]
    assert [(u.id, u.changes) for u in plan.updates] == [
        (1, {"name": "甲集团（更名）"}),
        (2, {"active": True}),
    ]
    assert plan.unchanged == 0
