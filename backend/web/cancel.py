"""Stop expensive work whose client has gone, and bound it in time.

Under load, clients give up (a browser's reload, a proxy's timeout) while the server goes on
building boards nobody will read; the backlog then grows without end. The build runs as a task
beside a watcher on the ASGI `receive` channel: `http.disconnect` cancels the build. A server-side
limit cancels it too, with a Chinese 503.

Only for handlers that have read their body already (or have none): the watcher consumes the
channel's remaining messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from litestar import Request

from backend.domain.errors import Unavailable

T = TypeVar("T")
log = logging.getLogger("hegui")
REQUEST_TIME_LIMIT_S = 30.0
TOO_SLOW = "本次查询处理时间过长，已停止。请缩小范围（如选择年度、分组或分页）后重试。"


class ClientGone(Exception):
    """The client disconnected before its answer was ready; nothing is sent."""


async def _disconnected(request: Request[Any, Any, Any]) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def unless_disconnected(
    request: Request[Any, Any, Any], work: Awaitable[T], limit: float | None = None
) -> T:
    """The result of ``work``, unless the client disconnects first (ClientGone) or ``limit``
    seconds pass (Unavailable); either way the work is cancelled and awaited."""
    limit = REQUEST_TIME_LIMIT_S if limit is None else limit
    task: asyncio.Future[T] = asyncio.ensure_future(work)
    watcher = asyncio.create_task(_disconnected(request))
    try:
        racers: set[asyncio.Future[Any]] = {task, watcher}
        done, _ = await asyncio.wait(racers, timeout=limit, return_when="FIRST_COMPLETED")
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await watcher
    if task in done:
        return task.result()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    if watcher in done:
        log.info("client left %s %s: work cancelled", request.method, request.url.path)
        raise ClientGone
    log.warning("%s %s passed %.0f s: work cancelled", request.method, request.url.path, limit)
    raise Unavailable(TOO_SLOW)
