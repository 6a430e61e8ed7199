"""Open PostgreSQL's connection pool for the life of the app (SQLite needs none)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine


@asynccontextmanager
async def db_lifespan(_app: Any = None) -> AsyncIterator[None]:
    engine = engine_finder()
    # Only the outermost user opens (and later closes) the pool: tests and the CLI nest lifespans.
    pooled = engine if isinstance(engine, PostgresEngine) and engine.pool is None else None
    if pooled is not None:
        await pooled.start_connection_pool(min_size=1, max_size=10)
    try:
        yield
    finally:
        if pooled is not None:
            await pooled.close_connection_pool()
