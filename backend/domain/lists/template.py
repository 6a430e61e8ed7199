"""The empty workbook enterprises fill in: an instructions sheet, 基本信息, the three lists and
不适用领域, with Chinese headers, drop-downs for every coded column, a frozen header and one example
row per sheet, marked 示例 so that the importer skips it."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from backend.domain.lists.template_text import EXAMPLES, INSTRUCTIONS
from backend.rules.lists.columns import COLUMNS, INFO_FIELDS, NO, YES, Column, Kind
from backend.rules.lists.columns import choices as choices_of
from backend.rules.lists.model import Sheet, Vocabulary

DATA_ROWS = 2000  # rows that carry the drop-downs
OPTIONS = "选项"


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "header": book.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        ),
        "example": book.add_format({"italic": True, "font_color": "#808080"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "wrap": book.add_format({"text_wrap": True}),
    }


def _options(book: xlsxwriter.Workbook, vocab: Vocabulary) -> dict[str, str]:
    """One hidden sheet holds every drop-down's values; validations point at its ranges."""
    sheet = book.add_worksheet(OPTIONS)
    names = ("domains", "domains+other", "links", "personnel", "levels", "matters")
    ranges: dict[str, str] = {}
    for col, name in enumerate((*names, "yes_no")):
        values = (YES, NO) if name == "yes_no" else choices_of(name, vocab)
        sheet.write_column(0, col, values)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        ranges[name] = f"='{OPTIONS}'!${letter}$1:${letter}${len(values)}"
    sheet.hide()
    return ranges


def _validate(sheet: Worksheet, col: int, column: Column, ranges: dict[str, str]) -> None:
    first, last = 1, DATA_ROWS
    if column.kind is Kind.CHOICE:
        sheet.data_validation(
            first, col, last, col,
            {"validate": "list", "source": ranges[column.choices],
             "error_message": "请从下拉框中选择。"},
        )  # fmt: skip
    elif column.kind is Kind.YES_NO:
        sheet.data_validation(
            first, col, last, col,
            {"validate": "list", "source": ranges["yes_no"], "error_message": "请填“是”或“否”。"},
        )  # fmt: skip
    elif column.kind is Kind.SCALE:
        sheet.data_validation(
            first, col, last, col,
            {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5,
             "error_message": "请填 1—5 的整数。"},
        )  # fmt: skip
    elif column.note:
        prompt = {"input_title": column.header[:32], "input_message": column.note[:255]}
        sheet.data_validation(first, col, last, col, {"validate": "any", **prompt})


def _list_sheet(
    book: xlsxwriter.Workbook, sheet_kind: Sheet, ranges: dict[str, str], fmt: dict[str, Any]
) -> None:
    sheet = book.add_worksheet(sheet_kind.label)
    example = EXAMPLES[sheet_kind]
    for col, column in enumerate(COLUMNS[sheet_kind]):
        header = f"{column.header}*" if column.required else column.header
        sheet.write(0, col, header, fmt["header"])
        sheet.set_column(col, col, column.width)
        if column.note:
            sheet.write_comment(0, col, column.note)
        sheet.write(1, col, example.get(column.key, ""), fmt["example"])
        _validate(sheet, col, column, ranges)
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)


def build_template(vocab: Vocabulary) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fmt = _formats(book)
    guide = book.add_worksheet("填写说明")
    guide.set_column(0, 0, 120, fmt["wrap"])
    for row, line in enumerate(INSTRUCTIONS):
        guide.write(row, 0, line, fmt["title"] if row == 0 else None)
    guide.write(len(INSTRUCTIONS) + 1, 0, "17 个重点领域：" + "、".join(vocab.domains))
    ranges = _options(book, vocab)
    info = book.add_worksheet(Sheet.INFO.label)
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 30)
    info.set_column(2, 2, 40)
    for col, text in enumerate(("项目", "内容", "说明")):
        info.write(0, col, text, fmt["header"])
    for row, field_ in enumerate(INFO_FIELDS, start=1):
        info.write(row, 0, field_.header)
        hint = field_.note or ("填“是”或“否”" if field_.kind is Kind.YES_NO else "如 2023-12-25")
        info.write(row, 2, hint, fmt["example"])
        if field_.kind is Kind.YES_NO:
            info.data_validation(row, 1, row, 1, {"validate": "list", "source": ranges["yes_no"]})
    info.freeze_panes(1, 0)
    for sheet_kind in (Sheet.RISK, Sheet.POSITION, Sheet.PROCESS, Sheet.EXEMPT):
        _list_sheet(book, sheet_kind, ranges, fmt)
    book.close()
    return out.getvalue()
