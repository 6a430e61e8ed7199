"""Write transactions that behave on both engines.

SQLite's default DEFERRED transactions fail under concurrent read-then-write ("database is
locked"); IMMEDIATE takes the write lock up front. PostgreSQL has no such mode and needs none."""

from __future__ import annotations

from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.sqlite import TransactionType


def write_transaction() -> Any:
    engine = engine_finder()
    assert engine is not None, "PICCOLO_CONF must name an engine"
    if engine.engine_type == "sqlite":
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def engine_type() -> str:
    engine = engine_finder()
    assert engine is not None
    return engine.engine_type
