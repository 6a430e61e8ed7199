"""The database itself refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) of audit rows.

The keyed chain makes an edit detectable; these triggers make the ordinary ways of editing fail
outright, whatever the connecting code. Someone who can run DDL can still drop them — which is
why the chain and the exported heads exist too. Created by the migration that introduced them
and, idempotently, by ``ensure_audit_guards`` after every migration run and after the test
suite's ``create_db_tables``."""

from __future__ import annotations

from backend.db.tables.accounts import AuditEvent
from backend.db.transactions import engine_type

MESSAGE = "操作日志只允许追加，禁止修改或删除"

_SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
]

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hegui_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$"""

_PG_TRIGGERS = {
    "audit_event_append_only": "BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW",
    "audit_event_no_truncate": "BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT",
}


async def ensure_audit_guards() -> None:
    if engine_type() == "sqlite":
        for statement in _SQLITE:
            await AuditEvent.raw(statement)
        return
    await AuditEvent.raw(_PG_FUNCTION)
    for name, when in _PG_TRIGGERS.items():
        found = await AuditEvent.raw(
            "SELECT 1 FROM pg_trigger WHERE tgname = {} AND tgrelid = 'audit_event'::regclass",
            name,
        )
        if not found:
            await AuditEvent.raw(
                f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION hegui_audit_append_only()"
            )
