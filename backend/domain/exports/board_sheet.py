"""The 进度台账 workbook (pure, no database): the board as one sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from backend.domain.exports.sheets import (
    STATUS_FILL,
    OnRow,
    Styles,
    cn_day,
    open_book,
    page_setup,
    signature_block,
    text,
    title_rows,
)
from backend.rules.cell_status import STATUS_SHORT, Status
from backend.rules.cohorts import Cohort


def build_board_sheet(path: Path | str, *, board: Any, on_row: OnRow | None = None) -> int:
    """进度台账: the board as one sheet, each cell coloured by its status, with the status word
    in it; a 合计 row, a legend and a signature block follow. With all years, a year row above
    the codes tells R1 of 2024 from R1 of 2025. Returns the enterprise rows written."""
    book, st = open_book(path)
    sheet = book.add_worksheet("进度台账")
    columns, rows = board.columns, board.rows
    programme = board.programme or {}
    as_of: dt.date = board.query.as_of
    year = board.query.year
    title = f"{text(programme.get('title')) or '合规管理工作'}进度台账"
    fixed = ["序号", "企业名称", "统一社会信用代码", "类别"]
    first = len(fixed)
    head = fixed + [f"{c.code} {c.title}" for c in columns]
    widths = [6, 34, 21, 12] + [11] * len(columns)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    last = max(len(head) - 1, 3)
    scope = f"{year}年度" if year else "全部年度"
    doc_no = text(programme.get("doc_no"))
    basis = f"依据：{doc_no}　　" if doc_no else ""
    title_rows(sheet, st, last, title, f"{basis}{scope}　　截至：{cn_day(as_of)}")
    header_row = 3
    if year is None and columns:
        header_row = 4
        _year_row(sheet, st, 3, first, columns)
    page_setup(sheet, header_row, 2, title, first_row=3)
    sheet.set_row(header_row, 60)
    for col, name in enumerate(head):
        sheet.write_string(header_row, col, text(name), st.header)
    n = len(rows)
    owed = [0] * len(columns)
    done = [0] * len(columns)
    for i, row in enumerate(rows, start=1):
        r, e = header_row + i, row.enterprise
        sheet.write_number(r, 0, i, st.center)
        sheet.write_string(r, 1, text(e.name), st.cell)
        sheet.write_string(r, 2, text(getattr(e, "credit_code", "")), st.cell)
        sheet.write_string(r, 3, Cohort.label_of(e.cohort, "—"), st.center)
        for k, column in enumerate(columns):
            col = first + k
            cell = row.cells.get(column.id)
            if cell is None:
                sheet.write_string(r, col, "—", st.center)
                continue
            status = str(cell.state.status)
            if status != Status.EXEMPT:
                owed[k] += 1
                done[k] += status in (Status.APPROVED, Status.APPROVED_LATE)
            sheet.write_string(r, col, STATUS_SHORT.get(status, status), st.status(status))
        if on_row:
            on_row(i, n)
    r = header_row + n + 1
    sheet.write_blank(r, 0, None, st.total)
    sheet.write_string(r, 1, f"合计（{n} 家）：通过/应报", st.total)
    for col in (2, 3):
        sheet.write_blank(r, col, None, st.total)
    for k in range(len(columns)):
        sheet.write_string(r, first + k, f"{done[k]}/{owed[k]}", st.total)
    r += 2
    sheet.write_string(r, 1, "图例：", st.plain)
    for col, status in enumerate(STATUS_FILL, start=2):
        sheet.write_string(r, col, STATUS_SHORT[status], st.status(status))
    signature_block(sheet, st, r + 1)
    book.close()
    return n


def _year_row(sheet: Worksheet, st: Styles, r: int, first: int, columns: Sequence[Any]) -> None:
    """One merged 「2024年度」 cell over each year's columns (columns come ordered by year)."""
    sheet.merge_range(r, 0, r, first - 1, "", st.header)
    sheet.write_string(r, 0, "年度", st.header)
    start = 0
    for k in range(1, len(columns) + 1):
        y = getattr(columns[start], "due_year", None)
        if k < len(columns) and getattr(columns[k], "due_year", None) == y:
            continue
        label = f"{y}年度" if y else "—"
        if k - 1 > start:
            sheet.merge_range(r, first + start, r, first + k - 1, "", st.header)
        sheet.write_string(r, first + start, label, st.header)
        start = k
