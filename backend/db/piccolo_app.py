"""The single Piccolo app: one app keeps cross-area foreign keys free of migration dependencies."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from backend.db.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="hegui",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(ALL_TABLES),
    migration_dependencies=[],
    commands=[],
)
