"""Piccolo engine chosen by DATABASE_URL: a SQLite file by default, PostgreSQL in production."""

from __future__ import annotations

import sqlite3
from urllib.parse import unquote, urlparse

import pendulum
from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, convert_date_in, convert_datetime_in

from backend.settings import get_settings


def _postgres_engine(url: str) -> PostgresEngine:
    parts = urlparse(url)
    return PostgresEngine(
        config={
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": unquote(parts.username or "postgres"),
            "password": unquote(parts.password or ""),
            "database": parts.path.lstrip("/") or "postgres",
        }
    )


def _sqlite_engine(settings_path: str) -> SQLiteEngine:
    # Piccolo's adapters are registered per exact type; pendulum's subclasses need their own.
    sqlite3.register_adapter(pendulum.Date, convert_date_in)
    sqlite3.register_adapter(pendulum.DateTime, convert_datetime_in)
    return SQLiteEngine(path=settings_path, timeout=30)


_settings = get_settings()
DB: PostgresEngine | SQLiteEngine
if _settings.is_postgres:
    DB = _postgres_engine(_settings.database_url)
else:
    _settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    DB = _sqlite_engine(str(_settings.sqlite_path))

APP_REGISTRY = AppRegistry(apps=["backend.db.piccolo_app"])
