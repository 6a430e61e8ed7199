"""How the board's page and API answer: a weak ETag on the data version (304 when the client
has it), the board from the bounded cache, the build cancelled if the client leaves or it takes
too long, and memory handed back once the burst is over."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import anyio.to_thread
from litestar import Request, Response

from backend.domain.board.cache import BoardCache, data_version, matches, weak_etag
from backend.domain.board.paged import build_board_page
from backend.domain.board.service import Board, BoardQuery
from backend.lib.timeutil import today
from backend.settings import get_settings
from backend.web.cancel import unless_disconnected
from backend.web.memory import HEAVY

GRID = "board/partials/board.html"


class Revalidation:
    """The data version and the ETag of one answer. The tag covers everything the answer shows:
    the data, the filters, the tenancy scope, the day, and what the caller adds (the user; for
    pages, the session, whose CSRF token the page carries)."""

    def __init__(self, version: str, tag: str) -> None:
        self.version, self.tag = version, tag

    @property
    def headers(self) -> dict[str, str]:
        # Cache-Control stays no-store (the middleware's, for every page): browsers keep nothing,
        # and a client that keeps the answer itself revalidates with If-None-Match.
        return {"ETag": self.tag, "Vary": "Cookie, Authorization"}

    def not_modified(self, request: Request[Any, Any, Any]) -> Response[Any] | None:
        """304 (no body) when the client's copy is current; it stands for any answer type."""
        if matches(request.headers.get("if-none-match"), self.tag):
            return Response(b"", status_code=304, headers=self.headers)
        return None


def session_mark(request: Request[Any, Any, Any]) -> str:
    """A digest of the request's credentials: another session never revalidates this one's page."""
    raw = (request.headers.get("cookie") or "") + (request.headers.get("authorization") or "")
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


async def revalidation(query: BoardQuery, scope: int | None, *extra: Any) -> Revalidation:
    version = await data_version()
    return Revalidation(version, weak_etag(version, query, scope, today(), *extra))


async def cached_board(
    request: Request[Any, Any, Any], version: str, query: BoardQuery, scope: int | None
) -> Board:
    window = get_settings().due_soon_workdays
    key = (version, query, scope, window)
    boards = board_cache(request)
    with HEAVY.working():
        return await unless_disconnected(
            request, boards.get(key, lambda: build_board_page(query, window, scope))
        )


async def board_with_html(
    request: Request[Any, Any, Any],
    version: str,
    query: BoardQuery,
    scope: int | None,
    context_for: Callable[[Board], dict[str, Any]],
) -> tuple[Board, str]:
    """The board and its rendered grid (`board/partials/board.html`, the 387 KB part of the
    page, which shows nothing of the user): both cached under the same key, so a burst of
    page views renders the grid once. Rendering runs in a thread: the event loop keeps
    serving (and hearing disconnects) meanwhile."""
    window = get_settings().due_soon_workdays
    key = (version, query, scope, window)
    cache = board_cache(request)

    def board() -> Awaitable[Board]:
        return cache.get(key, lambda: build_board_page(query, window, scope))

    async def render() -> str:
        engine = request.app.template_engine
        assert engine is not None
        template = engine.get_template(GRID)
        html: str = await anyio.to_thread.run_sync(
            functools.partial(template.render, **context_for(await board()))
        )
        return html

    async def both() -> tuple[Board, str]:
        grid = await cache.get(("grid", *key, today()), render)
        return await board(), grid

    with HEAVY.working():
        return await unless_disconnected(request, both())


def board_cache(request: Request[Any, Any, Any]) -> BoardCache:
    """One cache per app (built lazily on its state): a test's fresh app starts empty."""
    state = request.app.state
    if "boards" not in state:
        state.boards = BoardCache()
    cache: BoardCache = state.boards
    return cache
