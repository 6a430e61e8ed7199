"""What a database administrator (or anyone who can run DDL) can do to the audit table: drop the
append-only triggers, change rows, put the triggers back. Only tests use this."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.db.tables import AuditEvent
from backend.db.transactions import engine_type
from backend.security.audit_guard import ensure_audit_guards


@asynccontextmanager
async def guards_lifted() -> AsyncIterator[None]:
    if engine_type() == "sqlite":
        for name in ("audit_event_no_update", "audit_event_no_delete"):
            await AuditEvent.raw(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in ("audit_event_append_only", "audit_event_no_truncate"):
            await AuditEvent.raw(f"DROP TRIGGER IF EXISTS {name} ON audit_event")
    try:
        yield
    finally:
        await ensure_audit_guards()
