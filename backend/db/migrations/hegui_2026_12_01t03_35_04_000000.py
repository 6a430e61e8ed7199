"""Key the audit chain and make the table append-only at the database.

Rows written before the key existed are re-signed once with the current key (their old
SHA-256 chain is checked first and the result recorded in an ``audit_reanchor`` row), then the
triggers refusing UPDATE and DELETE are created. Needs the audit key ring (HEGUI_AUDIT_KEY_FILE
or HEGUI_AUDIT_KEY; generated under the var dir outside production)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T03:35:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain keyed and append-only"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
    )

    async def run() -> None:
        from backend.security.audit_chain import reanchor_legacy
        from backend.security.audit_guard import ensure_audit_guards

        await reanchor_legacy()
        await ensure_audit_guards()

    manager.add_raw(run)
    return manager
