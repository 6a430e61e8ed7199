"""One page of an in-memory list, with what the pager macro needs."""

from __future__ import annotations

import math
from typing import Any


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
