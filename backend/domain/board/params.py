"""Parse the board's filters from a query string, with a Chinese message for each bad value.
The page and the API accept the same parameters, so a shared URL means the same view."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from backend.domain.board.service import BoardQuery
from backend.domain.errors import Invalid
from backend.lib.ids import MAX_ID
from backend.lib.timeutil import parse_date, today
from backend.rules.cell_status import Status
from backend.rules.cohorts import Cohort

MAX_PAGE_SIZE = 5000


def _int(raw: str | None, label: str, minimum: int = 0) -> int | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{label}应为整数，收到“{raw}”。") from None
    if value < minimum:
        raise Invalid(f"{label}不能小于 {minimum}。")
    if value > MAX_ID:
        raise Invalid(f"{label}过大，请检查后重试。")
    return value


def parse_board_query(params: dict[str, str | None], *, default_page_size: int) -> BoardQuery:
    try:
        as_of = parse_date(params.get("as_of")) or today()
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    status = (params.get("status") or "").strip() or None
    if status is not None and status not in {s.value for s in Status}:
        choices = "、".join(f"{s.label}（{s.value}）" for s in Status)
        raise Invalid(f"状态“{status}”无效，可选：{choices}。")
    cohort = (params.get("group") or "").strip().upper() or None
    if cohort is not None and cohort not in {c.value for c in Cohort}:
        raise Invalid("分组无效，可选：UPG7（提级管理）、T1（市属一级）、SUB（子企业）。")
    year = _int(params.get("year"), "年度", 2000)
    page_size = _int(params.get("page_size"), "每页数量", 0)
    if page_size is not None and page_size > MAX_PAGE_SIZE:
        raise Invalid(f"每页数量不能超过 {MAX_PAGE_SIZE}。")
    return BoardQuery(
        as_of=as_of,
        programme_id=_int(params.get("programme_id"), "工作方案编号", 1),
        year=year,
        cohort=cohort,
        status=status,
        q=(params.get("q") or "").strip()[:100],
        enterprise_id=_int(params.get("enterprise_id"), "企业编号", 1),
        page=_int(params.get("page"), "页码", 1) or 1,
        page_size=default_page_size if page_size is None else page_size,
    )


def query_params(query: BoardQuery) -> dict[str, Any]:
    """The query as URL parameters (for links that keep the current filters)."""
    values = asdict(query)
    values["group"] = values.pop("cohort")
    values["as_of"] = query.as_of.isoformat()
    return {k: v for k, v in values.items() if v not in (None, "")}
