"""Reminders about 整改台账 findings in the reminder ledger: a nullable `finding` column, and
`obligation` nullable (a finding's row names no obligation).

SQLite: Piccolo declares its foreign-key columns without NOT NULL there, so `obligation` already
takes NULL and only the new column is added (SQLite has no ALTER COLUMN to run anyway).
PostgreSQL: `ALTER COLUMN obligation DROP NOT NULL`."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.finder import engine_finder
from piccolo.table import Table


class Finding(Table, tablename="finding", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-02T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminder ledger: finding reminders (finding column, obligation nullable)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="ReminderLog",
        tablename="reminder_log",
        column_name="finding",
        db_column_name="finding",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Finding,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    engine = engine_finder()
    if engine is not None and engine.engine_type != "sqlite":
        manager.alter_column(
            table_class_name="ReminderLog",
            tablename="reminder_log",
            column_name="obligation",
            db_column_name="obligation",
            params={"null": True},
            old_params={"null": False},
            column_class=ForeignKey,
            old_column_class=ForeignKey,
            schema=None,
        )

    return manager
