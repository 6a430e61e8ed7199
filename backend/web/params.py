"""Bounds on numbers taken from URLs and forms, so that no value reaches the database or the
calendar arithmetic outside what they can hold.

Every primary key is a Piccolo Serial (PostgreSQL int4); SQLite overflows at int64 and date
arithmetic at year 9999. An id outside int4 cannot name a row: 404. A query number is clamped
or refused with a Chinese message before it becomes an offset."""

from __future__ import annotations

from typing import Annotated

from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.lib.ids import MAX_ID, id_in_range, parse_id

__all__ = ["MAX_ID", "id_in_range", "parse_id"]  # re-exported for controllers

MAX_PAGE = 100_000  # far beyond any list here; keeps (page - 1) * size inside int64

# A page number or size: beyond MAX_PAGE either way is refused (400 naming the parameter).
QueryPage = Annotated[int, QueryParameter(ge=-MAX_PAGE, le=MAX_PAGE)]
# An id or year in a query string; 0 or a negative value simply matches nothing.
QueryInt = Annotated[int, QueryParameter(ge=-MAX_ID, le=MAX_ID)]
OptionalQueryInt = Annotated[int | None, QueryParameter(ge=-MAX_ID, le=MAX_ID)]


def path_id_middleware(app: ASGIApp) -> ASGIApp:
    """Routing has parsed `{name:int}` into Python ints; one beyond int4 names nothing."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        for value in (scope.get("path_params") or {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and not id_in_range(value):
                raise NotFoundException()
        await app(scope, receive, send)

    return middleware
