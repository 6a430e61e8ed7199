"""The backup/restore drill, on the engine the suite runs on: the demo data plus audited changes
and a score lock are backed up with `hegui backup`, restored by `hegui restore` into a fresh
install (no database yet), and every enterprise, submission, file (bytes and hash), review,
score lock and audit record is there, with the audit chain verifying under the kept key."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from backend.backup import sha256_of
from backend.domain.scores.changes import lock_year
from backend.security.audit import Actor
from backend.settings import get_settings
from backend.storage import FileStore
from tests.processes import ROOT

TABLES = (
    "enterprise",
    "submission",
    "submission_version",
    "submission_file",
    "review",
    "exemption",
    "score_lock",
    "audit_event",
    "account",
)


def hegui(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def psql(url: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", "--dbname", url, "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def rows(url: str, table: str) -> list[str]:
    """Every row as text, in id order, read the same way on both sides."""
    if url.startswith("postgres"):
        sql = f"SELECT t::text FROM {table} t ORDER BY id"
        return psql(url, sql).splitlines()
    with contextlib.closing(sqlite3.connect(url)) as connection:
        return [repr(r) for r in connection.execute(f"SELECT * FROM {table} ORDER BY id")]


@pytest.fixture
def scratch_url() -> Iterator[str]:
    """Where the fresh install's database goes: a second PostgreSQL database that does not
    exist yet (dropped afterwards), or nothing on SQLite (the file appears in its var folder)."""
    settings = get_settings()
    if not settings.is_postgres:
        yield ""
        return
    parts = urlsplit(settings.database_url)
    url = urlunsplit(parts._replace(path=parts.path + "_drill"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/") + "_drill"
    psql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    try:
        yield url
    finally:
        psql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_a_backup_restores_into_a_fresh_install(
    db: None, tmp_path: Path, scratch_url: str
) -> None:
    settings = get_settings()
    source_env = dict(os.environ, HEGUI_REMINDER_SCAN="0")
    seeded = hegui("seed", "--demo", env=source_env)
    assert seeded.returncode == 0, seeded.stderr
    # Audited changes and score locks on top of the demo data (which has locked 2023 itself).
    await lock_year(2024, dt.date(2024, 12, 31), Actor(None, "命令行"))
    await lock_year(2025, dt.date(2025, 12, 31), Actor(None, "命令行"))

    backup_dir = tmp_path / "backup"
    made = hegui("backup", "-o", str(backup_dir), env=source_env)
    assert made.returncode == 0, made.stderr
    assert "备份完成" in made.stdout
    assert (backup_dir / "manifest.json").is_file()

    source = settings.database_url if settings.is_postgres else str(settings.sqlite_path)
    before = {table: rows(source, table) for table in TABLES}
    assert all(before[t] for t in TABLES), {t: len(v) for t, v in before.items()}

    target_var = tmp_path / "fresh"
    target_env = {k: v for k, v in source_env.items() if k != "DATABASE_URL"}
    target_env.update(
        HEGUI_VAR_DIR=str(target_var),
        HEGUI_AUDIT_KEY_FILE=str(settings.var_dir / "audit.key"),  # the key kept apart
    )
    if scratch_url:
        target_env["DATABASE_URL"] = scratch_url
    target = scratch_url or str(target_var / "hegui.sqlite3")

    # A fresh install: nothing to overwrite, so no question asked.
    restored = hegui("restore", str(backup_dir), env=target_env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "恢复完成" in restored.stdout

    for table in TABLES:
        assert rows(target, table) == before[table], table
    source_store = FileStore(settings.storage_dir)
    target_store = FileStore(target_var / "storage")
    file_shas = _file_shas(source)
    assert file_shas
    for sha in file_shas:
        restored_file = target_store.path_for(sha)
        assert restored_file.read_bytes() == source_store.path_for(sha).read_bytes()
        assert sha256_of(restored_file) == sha

    verified = hegui("audit", "verify", env=target_env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "校验通过" in verified.stdout
    assert f"共 {len(before['audit_event'])} 条" in verified.stdout

    # Now there is something to overwrite: a "no" (or no answer) changes nothing.
    refused = hegui("restore", str(backup_dir), env=target_env, stdin="n\n")
    assert refused.returncode == 2
    assert "恢复将覆盖现有数据" in refused.stdout and "已取消" in refused.stderr
    silent = hegui("restore", str(backup_dir), env=target_env)
    assert silent.returncode == 2 and "已取消" in silent.stderr

    # A damaged backup is refused before anything is touched.
    damaged = tmp_path / "damaged"
    shutil.copytree(backup_dir, damaged)
    victim = target_store.path_for(sorted(file_shas)[0])
    relative = victim.relative_to(target_var / "storage")
    (damaged / "storage" / relative).write_bytes(b"tampered")
    broken = hegui("restore", "--yes", str(damaged), env=target_env)
    assert broken.returncode == 2 and "校验失败" in broken.stderr
    assert sha256_of(victim) == sorted(file_shas)[0]

    # --yes overwrites without asking.
    again = hegui("restore", "--yes", str(backup_dir), env=target_env)
    assert again.returncode == 0, again.stderr
    assert rows(target, "audit_event") == before["audit_event"]


def _file_shas(url: str) -> set[str]:
    if url.startswith("postgres"):
        return set(psql(url, "SELECT sha256 FROM submission_file").split())
    with contextlib.closing(sqlite3.connect(url)) as connection:
        return {r[0] for r in connection.execute("SELECT sha256 FROM submission_file")}


def test_the_client_tools_must_be_as_new_as_the_server() -> None:
    from backend.backup import tool_too_old

    assert not tool_too_old("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", "15.20 (Debian)")
    assert not tool_too_old("pg_dump (PostgreSQL) 16.4", "15.8")
    assert tool_too_old("pg_restore (PostgreSQL) 14.11", "15.20 (Debian 15.20-0+deb12u1)")
