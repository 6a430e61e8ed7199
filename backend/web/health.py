"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and the job
queue answer now). Readiness says only ok / unavailable per dependency: no hosts, versions or
error texts, since it is public."""

from __future__ import annotations

import asyncio
import logging

from litestar import Response, get
from litestar.datastructures import State

from backend.db import fastread
from backend.lib.tasks import TaskQueue
from backend.security.policy import Access

log = logging.getLogger("hegui")
CHECK_TIMEOUT_S = 2.0


@get("/healthz", include_in_schema=False, opt={"access": Access.PUBLIC})
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _database_ok() -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            return (await fastread.fetch_tuples("SELECT 1"))[0][0] == 1
    except Exception:  # any failure means "not ready"; the log keeps the reason, not the answer
        log.warning("readiness: database check failed", exc_info=True)
        return False


async def _queue_ok(queue: TaskQueue | None) -> bool:
    return queue is not None and await queue.ping()


@get("/readyz", include_in_schema=False, opt={"access": Access.PUBLIC})
async def readyz(state: State) -> Response[dict[str, str]]:
    queue: TaskQueue | None = getattr(state, "queue", None)
    database, tasks = await asyncio.gather(_database_ok(), _queue_ok(queue))
    checks = {"database": database, "queue": tasks}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    ready = all(checks.values())
    return Response(
        {"status": "ready" if ready else "unavailable", **body}, status_code=200 if ready else 503
    )
