"""操作日志 for the auditor alone: a filtered, paged list with the hash-chain check on top, and
the same selection as an xlsx workbook (itself recorded as an ``audit_export`` event)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import xlsxwriter
from litestar import Controller, Request, get
from litestar.exceptions import ValidationException
from litestar.params import FromQuery
from litestar.response import Response, Template

from backend.db.tables import Enterprise
from backend.domain.accounts.controllers import actor_for
from backend.lib.timeutil import TZ, cn_datetime, now, parse_date
from backend.security.audit import ACTION_LABELS, AuditAction, record, search, verify_chain
from backend.security.policy import Access

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
_EXPORT_BATCH = 500  # the largest page `search` serves
_CELL_LIMIT = 32_767  # characters Excel keeps in one cell
AUDIT = {"access": Access.AUDIT}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTITY_LABELS = {
    "account": "账户",
    "api_token": "接口令牌",
    "enterprise": "企业",
    "submission": "报送材料",
    "review": "审核",
    "audit_event": "操作日志",
    "request": "请求",
}
COLUMNS = (
    ("序号", 7),
    ("记录号", 8),
    ("时间", 20),
    ("操作人", 14),
    ("操作", 14),
    ("对象", 18),
    ("企业编号", 9),
    ("企业名称", 30),
    ("IP", 16),
    ("变更内容", 70),
)


@dataclass(frozen=True)
class Filters:
    """The filters as typed, kept as text so that the form can show them back."""

    action: str = ""
    actor: str = ""
    enterprise_id: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def of(cls, request: Request) -> Filters:
        query = request.query_params
        return cls(**{name: str(query.get(name) or "").strip()[:60] for name in asdict(cls())})

    def params(self) -> dict[str, str]:
        return asdict(self)

    def active(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for ``search``; ValueError (in Chinese) for unusable input."""
        if self.action and self.action not in ACTION_LABELS:
            raise ValueError("操作类型无效，请从列表中选择。")
        if self.enterprise_id and not self.enterprise_id.isdigit():
            raise ValueError(f"企业编号“{self.enterprise_id}”应为数字，请检查后重试。")
        since, until = parse_date(self.since), parse_date(self.until)
        if since and until and since > until:
            raise ValueError("开始日期晚于结束日期，请调整起止日期后重试。")
        return {
            "action": self.action or None,
            "actor": self.actor or None,
            "enterprise_id": int(self.enterprise_id) if self.enterprise_id else None,
            "since": since,
            "until": until,
        }


def _value(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def describe_changes(changes: Any) -> str:
    """Compact text: ``键：旧值 → 新值`` for {"from", "to"} pairs, ``键：值`` otherwise."""
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return _value(changes)
    parts = []
    for key, value in changes.items():
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            parts.append(f"{key}：{_value(value['from'])} → {_value(value['to'])}")
        else:
            parts.append(f"{key}：{_value(value)}")
    return "；".join(parts)


async def _enterprise_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await Enterprise.select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.is_in(sorted(ids))
    )
    return {row["id"]: row["name"] for row in found}


async def _decorate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = await _enterprise_names(
        {row["enterprise_id"] for row in rows if row["enterprise_id"] is not None}
    )
    for row in rows:
        entity = ENTITY_LABELS.get(row["entity"], row["entity"])
        row["entity_text"] = f"{entity} {row['entity_id']}".strip()
        row["enterprise_name"] = names.get(row["enterprise_id"], "")
        row["changes_text"] = describe_changes(row["changes"])
    return rows


async def _export_rows(criteria: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
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
        if row["enterprise_id"] is not None:
            sheet.write_number(line, 6, row["enterprise_id"])
        sheet.write_string(line, 7, row["enterprise_name"][:_CELL_LIMIT])
        sheet.write_string(line, 8, row["ip"][:_CELL_LIMIT])
        sheet.write_string(line, 9, row["changes_text"][:_CELL_LIMIT])
    book.close()
    return buffer.getvalue()


def _attachment(filename: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


class AuditController(Controller):
    path = "/audit"
    include_in_schema = False

    @get("/", name="audit:list", opt=AUDIT)
    async def list_page(self, request: Request, page: FromQuery[int] = 1) -> Template:
        filters = Filters.of(request)
        context: dict[str, Any] = {
            "filters": filters,
            "params": filters.params(),
            "filtered": bool(filters.active()),
            "actions": ACTION_LABELS,
            "rows": [],
            "offset": 0,
            "total": 0,
            "page": 1,
            "pages": 1,
            "error": "",
        }
        status = 200
        try:
            criteria = filters.criteria()
        except ValueError as exc:
            context["error"], status = str(exc), 400
        else:
            page = max(page, 1)
            rows, total = await search(**criteria, page=page, page_size=PAGE_SIZE)
            pages = max(1, math.ceil(total / PAGE_SIZE))
            if page > pages:
                page = pages
                rows, total = await search(**criteria, page=page, page_size=PAGE_SIZE)
            context.update(
                rows=await _decorate(rows),
                offset=(page - 1) * PAGE_SIZE,
                total=total,
                page=page,
                pages=pages,
            )
        if request.headers.get("hx-target") == "audit-rows":
            return Template(
                template_name="audit/partials/rows.html", context=context, status_code=status
            )
        context["chain"] = await verify_chain()
        # A full page load is a view (with its filters, a search) of the log, recorded after
        # the rows were read. htmx refreshes within the page (paging, re-filtering) are part of
        # that view and not recorded one by one, or every click would add a row.
        await record(
            AuditAction.AUDIT_VIEW,
            actor_for(request),
            entity="audit_event",
            changes={"filters": filters.active(), "page": context["page"]},
        )
        return Template(template_name="audit/list.html", context=context, status_code=status)

    @get("/export.xlsx", name="audit:export", opt=AUDIT)
    async def export(self, request: Request) -> Response[bytes]:
        filters = Filters.of(request)
        try:
            criteria = filters.criteria()
        except ValueError as exc:
            raise ValidationException(str(exc)) from None
        rows, total = await _export_rows(criteria)
        await _decorate(rows)
        moment = now()
        content = await anyio.to_thread.run_sync(build_workbook, rows, total, moment)
        await record(
            AuditAction.AUDIT_EXPORT,
            actor_for(request),
            entity="audit_event",
            changes={"filters": filters.active(), "rows": len(rows), "total": total},
        )
        day = f"{moment:%Y%m%d}"
        # Cache-Control: no-store is added to every non-static response by
        # backend.web.middleware; setting it here as well would send the header twice.
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": _attachment(f"操作日志-{day}.xlsx", f"audit-log-{day}.xlsx")
            },
        )
