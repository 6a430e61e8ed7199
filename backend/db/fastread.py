"""Plain tuples for the few read paths that handle tens of thousands of rows (the board).

Piccolo returns a dict per row and runs SQLite's declared-type converters on every value, which
costs more than the query itself at board size. These reads go to the driver directly: SQLite's
own module in a worker thread, or a connection from the PostgreSQL pool. SQL is written with
`{}` placeholders, as Piccolo's raw queries are, and must only read."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from typing import Any

import anyio.to_thread
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from backend.settings import get_settings


def db_param(value: Any) -> Any:
    """Timestamps as Piccolo stores them on SQLite (UTC text), so comparisons match."""
    if isinstance(value, dt.datetime) and not isinstance(get_engine(), PostgresEngine):
        return str(value.astimezone(dt.UTC))
    return value


def get_engine() -> Any:
    engine = engine_finder()
    assert engine is not None, "PICCOLO_CONF must name an engine"
    return engine


def _sqlite_fetch(path: str, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


async def fetch_tuples(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    engine = get_engine()
    params = tuple(db_param(a) for a in args)
    if isinstance(engine, PostgresEngine):
        numbered = sql.format(*(f"${i}" for i in range(1, len(params) + 1)))
        if engine.pool is not None:
            async with engine.pool.acquire() as connection:
                return list(await connection.fetch(numbered, *params))
        connection = await engine.get_new_connection()
        try:
            return list(await connection.fetch(numbered, *params))
        finally:
            await connection.close()
    path = str(get_settings().sqlite_path)
    query = sql.format(*("?" for _ in params))
    return await anyio.to_thread.run_sync(_sqlite_fetch, path, query, params)


_NUMBERED = re.compile(r"\$(\d+)")


def is_postgres() -> bool:
    return isinstance(get_engine(), PostgresEngine)


def _sqlite_param(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return json.dumps(list(value))  # read back with json_each()
    return db_param(value)


async def fetch_numbered(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Like `fetch_tuples`, for statements that use a parameter more than once: placeholders are
    numbered as PostgreSQL writes them (`$1`, `$2`), SQLite reads them as `?1`, `?2`. A list
    is an array on PostgreSQL and JSON text on SQLite (see `backend/domain/board/status_sql.py`)."""
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:
            async with engine.pool.acquire() as connection:
                return list(await connection.fetch(sql, *args))
        connection = await engine.get_new_connection()
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()
    path = str(get_settings().sqlite_path)
    query = _NUMBERED.sub(r"?\1", sql)
    params = tuple(_sqlite_param(a) for a in args)
    return await anyio.to_thread.run_sync(_sqlite_fetch, path, query, params)


def as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """A timestamp from either driver as an aware UTC datetime (SQLite hands back text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)  # Piccolo stores UTC: "...+00:00" gives dt.UTC
    if value is None or value.tzinfo is dt.UTC:
        return value
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
