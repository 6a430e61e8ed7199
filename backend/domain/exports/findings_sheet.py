"""The 整改台账 workbook (domain.md §5.2 columns), one row per finding, row by row."""

from __future__ import annotations

from pathlib import Path

from backend.domain.exports.sheets import (
    OnRow,
    open_book,
    page_setup,
    signature_block,
    text,
    title_rows,
)

WIDTHS = (6, 12, 26, 28, 10, 40, 8, 28, 28, 10, 18, 12, 40, 12, 24, 20, 16, 18, 16)


def build_findings_sheet(
    path: Path | str,
    *,
    title: str,
    subtitle: str,
    columns: tuple[str, ...],
    rows: list[list[str]],
    on_row: OnRow | None = None,
) -> int:
    book, st = open_book(path)
    sheet = book.add_worksheet("整改台账")
    for col, width in enumerate(WIDTHS[: len(columns)]):
        sheet.set_column(col, col, width)
    title_rows(sheet, st, len(columns) - 1, title, subtitle)
    header = 3
    page_setup(sheet, header, 3, title)
    for col, name in enumerate(columns):
        sheet.write_string(header, col, name, st.header)
    n = len(rows)
    for i, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            sheet.write_string(header + i, col, text(value), st.wrap)
        if on_row:
            on_row(i, n)
    if n:
        sheet.autofilter(header, 0, header + n, len(columns) - 1)
    signature_block(sheet, st, header + n + 1)
    book.close()
    return n
