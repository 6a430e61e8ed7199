"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and the job
queue answer now, the storage folder takes a write, and the database has every migration this
code ships). Readiness says only ok / unavailable per check: no hosts, versions or error texts,
since it is public."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from pathlib import Path

import anyio.to_thread
from litestar import Response, get
from litestar.datastructures import State

from backend.db import fastread, migration_state
from backend.lib.tasks import TaskQueue
from backend.security.policy import Access
from backend.settings import get_settings

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


async def _migrations_ok() -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            missing = await migration_state.pending()
    except Exception:
        log.warning("readiness: migration check failed", exc_info=True)
        return False
    if missing:
        log.warning("readiness: %d migration(s) not run yet (hegui migrate)", len(missing))
    return not missing


def _probe_storage(root: Path) -> None:
    """Write, read back and remove a small file where uploads land (a shared folder that went
    read-only or away fails here, not in the middle of someone's upload)."""
    incoming = root / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    probe = incoming / f".ready-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        probe.write_bytes(b"ok")
        if probe.read_bytes() != b"ok":
            raise OSError("storage probe read back different bytes")
    finally:
        probe.unlink(missing_ok=True)


async def _storage_ok() -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            await anyio.to_thread.run_sync(_probe_storage, get_settings().storage_dir)
        return True
    except Exception:
        log.warning("readiness: storage check failed", exc_info=True)
        return False


async def _queue_ok(queue: TaskQueue | None) -> bool:
    return queue is not None and await queue.ping()


@get("/readyz", include_in_schema=False, opt={"access": Access.PUBLIC})
async def readyz(state: State) -> Response[dict[str, str]]:
    queue: TaskQueue | None = getattr(state, "queue", None)
    database, tasks, storage, migrations = await asyncio.gather(
        _database_ok(), _queue_ok(queue), _storage_ok(), _migrations_ok()
    )
    checks = {"database": database, "queue": tasks, "storage": storage, "migrations": migrations}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    ready = all(checks.values())
    return Response(
        {"status": "ready" if ready else "unavailable", **body}, status_code=200 if ready else 503
    )
