"""Triggers that mark the board's cells when their facts change (backend/db/board_triggers.py),
and one mark of every cell, so the spans of the history already there are built once.

Apart from the tables' migration: Piccolo runs a migration's raw steps before its new tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T18:28:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "board cell triggers, and a first full rebuild of the spans"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
    )

    async def triggers() -> None:
        from backend.db.board_triggers import ensure_board_triggers
        from backend.db.tables import BoardCellDirty

        await ensure_board_triggers()
        await BoardCellDirty.raw(  # every cell, rebuilt by `migrate` (or the next board read)
            "INSERT INTO board_cell_dirty (enterprise, obligation) VALUES (NULL, NULL)"
        )

    async def drop_triggers() -> None:
        from backend.db.board_triggers import drop_board_triggers

        await drop_board_triggers()

    manager.add_raw(triggers)
    manager.add_raw_backwards(drop_triggers)
    return manager
