"""Open PostgreSQL's connection pool for the life of the app (SQLite needs none)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine import engine_finder


@asynccontextmanager
async def db_lifespan(_app: Any = None) -> AsyncIterator[None]:
    engine = engine_finder()
    # Only the outermost user opens (and later closes) the pool: tests and the CLI nest lifespans.
    pooled = engine is not None and engine.engine_type == "postgres" and engine.pool is None
    if pooled:
        await engine.start_connection_pool(min_size=1, max_size=10)
    try:
        yield
    finally:
        if pooled:
            await engine.close_connection_pool()
