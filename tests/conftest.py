"""Test set-up. The environment is fixed BEFORE the app is imported: settings are cached and
Piccolo picks its engine on first use. SQLite in a temporary folder by default; DATABASE_URL
(and REDIS_URL) switch the same suite to the real PostgreSQL (and Redis)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

_VAR = Path(tempfile.mkdtemp(prefix="hegui-test-"))
os.environ["HEGUI_VAR_DIR"] = str(_VAR)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.pop("HEGUI_ALLOW_REMOTE", None)
# A reminder scan at start-up would add messages to tests that count them; tests scan by hand.
os.environ.setdefault("HEGUI_REMINDER_SCAN", "0")

import httpx  # noqa: E402
import pytest  # noqa: E402
from litestar import Litestar  # noqa: E402
from piccolo.apps.migrations.tables import Migration  # noqa: E402
from piccolo.table import create_db_tables, drop_db_tables  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.db.board_triggers import ensure_board_triggers  # noqa: E402
from backend.db.lifespan import db_lifespan  # noqa: E402
from backend.db.tables import ALL_TABLES  # noqa: E402
from backend.domain.programmes.loader import load_all_programmes  # noqa: E402
from backend.security import refusals  # noqa: E402
from backend.security.audit_guard import ensure_audit_guards  # noqa: E402
from backend.settings import get_settings  # noqa: E402

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


def pytest_report_header() -> list[str]:
    settings = get_settings()
    engine = "PostgreSQL" if settings.is_postgres else f"SQLite ({settings.sqlite_path})"
    queue = f"Redis ({settings.redis_url})" if settings.redis_url else "in-process jobs"
    return [f"hegui: database {engine}; {queue}"]


async def reset_schema() -> None:
    settings = get_settings()
    if settings.is_postgres:
        await drop_db_tables(*reversed(ALL_TABLES))
        await Migration.raw("DROP TABLE IF EXISTS migration")
    else:
        # SQLite's DROP TABLE deletes row by row and trips the RESTRICT self-reference of the
        # roster; a new file is both simpler and faster. Piccolo opens a connection per query.
        settings.sqlite_path.unlink(missing_ok=True)
    await create_db_tables(*ALL_TABLES)
    await ensure_audit_guards()  # the migrations' append-only triggers, here too
    await ensure_board_triggers()  # and the board's marks of cells to rebuild
    await mark_migrations_run()  # what `hegui migrate` records, so /readyz sees a current schema


async def mark_migrations_run() -> None:
    from backend.db.migration_state import shipped_ids

    await Migration.create_table(if_not_exists=True)
    await Migration.insert(*(Migration(name=i, app_name="hegui") for i in sorted(shipped_ids())))


@pytest.fixture
async def db() -> AsyncIterator[None]:
    """A fresh, empty schema and file store for each test, on the configured engine."""
    shutil.rmtree(get_settings().storage_dir, ignore_errors=True)
    refusals.reset()  # refusal-audit budgets are per account id, and ids restart with the schema
    async with db_lifespan():
        await reset_schema()
        yield


@pytest.fixture
async def programme(db: None) -> int:
    """The 2023–2025 programme loaded from seed/; returns its id."""
    from backend.db.tables import Programme

    await load_all_programmes(SEED_DIR)
    row = await Programme.select(Programme.id).first()
    assert row is not None
    return row["id"]


def client_for(app: Litestar) -> httpx.AsyncClient:
    """Another browser on the same app: its own cookie jar."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def app(db: None) -> AsyncIterator[Litestar]:
    """The app with its lifespan run in the test's own event loop (so direct database calls
    in the test and requests share one loop and one pool)."""
    app = create_app()
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    try:
        yield app
    finally:
        stop.set()
        await task


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


pytest_plugins = ["tests.fixtures", "tests.smtp"]
