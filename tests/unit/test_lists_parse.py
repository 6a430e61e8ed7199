"""Reading a filled workbook: every row and column validated, errors by sheet, row and column,
all at once; the template itself reads back empty (its example rows are skipped)."""

from __future__ import annotations

import io
from typing import Any

from python_calamine import CalamineWorkbook

from backend.domain.lists.template import build_template
from backend.rules.lists import checks
from backend.rules.lists.checks import Result
from backend.rules.lists.model import ReviewMatter, RiskLevel, Sheet
from backend.rules.lists.parse import parse_workbook
from tests.lists_workbook import good_rows, workbook
from tests.unit.test_lists_checks import TODAY, VOCAB


def cells(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def test_a_good_workbook_reads_into_items_that_pass_the_checks() -> None:
    parsed = parse_workbook(cells(workbook()), VOCAB)
    assert parsed.errors == []
    lists = parsed.lists
    assert len(lists.risks) == 16 and lists.risks[0].row == 2
    assert lists.risks[0].level is RiskLevel.HIGH  # 3 × 5, derived
    assert lists.risks[1].level is RiskLevel.LOW  # 3 × 2
    assert lists.risks[0].consequences == ("经济损失", "声誉损失")
    assert lists.positions[0].risk_refs == (1, 3)
    assert lists.processes[3].review_matter is ReviewMatter.INVESTMENT
    assert lists.info.has_overseas is False and lists.info.approved_by == "合规委员会"
    assert checks.worst(checks.run_checks(lists, VOCAB, TODAY)) is Result.PASS


def test_every_bad_cell_is_reported_by_sheet_row_and_column_at_once() -> None:
    rows = good_rows()
    rows[Sheet.RISK][2]["domain"] = "投资"  # not one of the 17
    rows[Sheet.RISK][4]["likelihood"] = 7
    rows[Sheet.RISK][5]["risk_point"] = ""
    rows[Sheet.RISK][6]["seq"] = 1  # duplicate
    rows[Sheet.POSITION][0]["category"] = "领导"
    rows[Sheet.PROCESS][1]["review_required"] = "也许"
    rows[Sheet.PROCESS][2]["risk_refs"] = "1、二"
    rows[Sheet.PROCESS][0]["updated_on"] = "2023-13-45"
    found = {
        (e.sheet, e.row, e.column)
        for e in parse_workbook(cells(workbook(rows, {"审定日期": "去年"})), VOCAB).errors
    }
    assert found == {
        ("违规风险清单", 4, "重点领域"),
        ("违规风险清单", 6, "发生可能性"),
        ("违规风险清单", 7, "风险点"),
        ("违规风险清单", 8, "序号"),
        ("重点岗位合规职责清单", 2, "重点人员类别"),
        ("重点流程节点清单", 3, "合规审查必经节点"),
        ("重点流程节点清单", 4, "关联风险点"),
        ("重点流程节点清单", 2, "更新日期"),
        ("基本信息", 2, "内容"),  # 审定机构 missing
        ("基本信息", 3, "内容"),  # 审定日期 unreadable
        ("基本信息", 4, "内容"),
        ("基本信息", 5, "内容"),
    }


def test_messages_are_chinese_and_name_the_allowed_values() -> None:
    rows = good_rows()
    rows[Sheet.RISK][0]["domain"] = "投资"
    errors = parse_workbook(cells(workbook(rows)), VOCAB).errors
    assert len(errors) == 1
    assert "“投资”不是可选值" in errors[0].message and "投资管理" in errors[0].message


def test_a_missing_sheet_or_column_is_reported() -> None:
    data = workbook(drop_sheets=(Sheet.PROCESS,))
    errors = parse_workbook(cells(data), VOCAB).errors
    assert [(e.sheet, e.column) for e in errors] == [("重点流程节点清单", "")]
    assert "缺少工作表" in errors[0].message


def test_the_template_reads_back_with_its_examples_skipped() -> None:
    sheets = cells(build_template(VOCAB))
    assert next(iter(sheets)) == "填写说明"
    assert {s.label for s in Sheet} <= set(sheets)
    assert sheets["违规风险清单"][1][0].startswith("示例")
    parsed = parse_workbook(sheets, VOCAB)
    assert parsed.lists.risks == () and parsed.lists.exemptions == ()
    assert ("违规风险清单", 2, "") in {(e.sheet, e.row, e.column) for e in parsed.errors}
