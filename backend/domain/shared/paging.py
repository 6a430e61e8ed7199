"""The JSON API's paging of an in-memory list: out-of-range pages and sizes are refused, not
clamped (the HTML pages clamp instead, with `backend.web.paging.page_of`). Shared by the
enterprise and programme APIs, so neither borrows it from the other."""

from __future__ import annotations

from typing import Any

from backend.domain.errors import Invalid

MAX_PAGE_SIZE = 1000


def page_slice(items: list[Any], page: int, page_size: int) -> list[Any]:
    if page < 1 or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise Invalid(f"页码须 ≥ 1，每页数量须在 1—{MAX_PAGE_SIZE} 之间。")
    start = (page - 1) * page_size
    return items[start : start + page_size]
