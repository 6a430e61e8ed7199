"""Paging an in-memory list: one page with what the pager macro needs (pages), or a bare slice
with strict bounds (the JSON API, which refuses what a page clamps)."""

from __future__ import annotations

import math
from typing import Any

from litestar.exceptions import ValidationException

MAX_PAGE_SIZE = 1000


def page_of(rows: list[Any], page: int, page_size: int) -> dict[str, Any]:
    """The page clamped to what exists (a page past the end shows the last one)."""
    pages = max(1, math.ceil(len(rows) / page_size))
    page = min(max(page, 1), pages)
    start = (page - 1) * page_size
    return {
        "rows": rows[start : start + page_size],
        "offset": start,
        "total": len(rows),
        "page": page,
        "pages": pages,
    }


def page_slice(items: list[Any], page: int, page_size: int) -> list[Any]:
    """The API's page: out-of-range page numbers and sizes are refused, not clamped."""
    if page < 1 or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise ValidationException(f"页码须 ≥ 1，每页数量须在 1—{MAX_PAGE_SIZE} 之间。")
    start = (page - 1) * page_size
    return items[start : start + page_size]
