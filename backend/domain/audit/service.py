"""操作日志 reads for the auditor: a page of events with names and readable changes, the export
selection, and its xlsx workbook. The controller only parses the request and picks the template."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import xlsxwriter

from backend.domain.audit.names import name_objects
from backend.lib.timeutil import TZ, cn_datetime
from backend.rules import audit_fields
from backend.security.audit import search

EXPORT_LIMIT = 100_000
_EXPORT_BATCH = 500  # the largest page `search` serves
_CELL_LIMIT = 32_767  # characters Excel keeps in one cell
COLUMNS = (
    ("序号", 7),
    ("记录号", 8),
    ("时间", 20),
    ("操作人", 14),
    ("操作", 14),
    ("对象", 18),
    ("企业名称", 30),
    ("IP", 16),
    ("变更内容", 70),
)


def describe_changes(changes: Any, action: str = "", names: dict | None = None) -> str:
    """The changes as the auditor reads them (rules/audit_fields.py: labels, never keys)."""
    return audit_fields.describe(changes, action, names or {})


async def decorate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    await name_objects(rows)
    for row in rows:
        row["changes_text"] = describe_changes(row["changes"], row["action"], row.pop("names"))
    return rows


async def export_rows(criteria: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Newest first, at most EXPORT_LIMIT rows, and the total matching. Rows recorded while
    this runs push older ones down a page: ids at or above the last one seen are skipped."""
    rows: list[dict[str, Any]] = []
    total, page, last_id = 0, 1, None
    while len(rows) < EXPORT_LIMIT:
        batch, count = await search(**criteria, page=page, page_size=_EXPORT_BATCH)
        total = count if page == 1 else total
        rows.extend(r for r in batch if last_id is None or r["id"] < last_id)
        if len(batch) < _EXPORT_BATCH:
            break
        last_id, page = batch[-1]["id"], page + 1
    return rows[:EXPORT_LIMIT], total


def build_workbook(rows: list[dict[str, Any]], total: int, moment: dt.datetime) -> bytes:
    """The xlsx bytes. Every text goes through ``write_string``: a value such as
    ``=HYPERLINK(...)`` typed by someone stays text and never becomes a formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "remove_timezone": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("操作日志")
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    when = book.add_format({"num_format": 'yyyy"年"m"月"d"日" hh:mm:ss'})
    for col, (_, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
    caption = f"操作日志（导出时间 {cn_datetime(moment)}）"
    if total > len(rows):
        caption += f"：共 {total:,} 条，仅导出最新的 {len(rows):,} 条，请缩小筛选范围分批导出"
    sheet.write_string(0, 0, caption, title)
    for col, (name, _) in enumerate(COLUMNS):
        sheet.write_string(1, col, name, header)
    sheet.freeze_panes(2, 0)
    for seq, row in enumerate(rows, start=1):
        line = seq + 1
        sheet.write_number(line, 0, seq)
        sheet.write_number(line, 1, row["id"])
        sheet.write_datetime(line, 2, row["occurred_at"].astimezone(TZ), when)
        sheet.write_string(line, 3, row["actor_name"][:_CELL_LIMIT])
        sheet.write_string(line, 4, row["action_label"][:_CELL_LIMIT])
        sheet.write_string(line, 5, row["entity_text"][:_CELL_LIMIT])
        sheet.write_string(line, 6, row["enterprise_name"][:_CELL_LIMIT])
        sheet.write_string(line, 7, row["ip"][:_CELL_LIMIT])
        sheet.write_string(line, 8, row["changes_text"][:_CELL_LIMIT])
    book.close()
    return buffer.getvalue()


async def audit_page(criteria: dict[str, Any], page: int, page_size: int) -> dict[str, Any]:
    """One page of matching events (clamped to the last page), decorated for display."""
    page = max(page, 1)
    rows, total = await search(**criteria, page=page, page_size=page_size)
    pages = max(1, math.ceil(total / page_size))
    if page > pages:
        page = pages
        rows, total = await search(**criteria, page=page, page_size=page_size)
    return {
        "rows": await decorate(rows),
        "offset": (page - 1) * page_size,
        "total": total,
        "page": page,
        "pages": pages,
    }
