"""Composite indexes for the board computed in the database (see backend/db/board_indexes.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "board indexes: cells by enterprise and obligation, latest version, reviews"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
    )

    async def run() -> None:
        from backend.db.board_indexes import ensure_board_indexes

        await ensure_board_indexes()

    async def run_backwards() -> None:
        from backend.db.board_indexes import drop_board_indexes

        await drop_board_indexes()

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
