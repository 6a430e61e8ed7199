"""Backups a restore can trust: the database and the storage folder, with a manifest of SHA-256
sums that `restore` checks before it touches anything.

A backup folder holds `manifest.json`, the database (`database.dump`, made by `pg_dump -Fc` on
PostgreSQL; `database.sqlite3`, made by SQLite's online backup API, which copies a consistent
snapshot while the app keeps writing) and `storage/`, the uploaded and exported files in the
store's own layout. The database is copied first and the files second: the store never removes
a file a row refers to (only the sweep removes unreferenced ones, after hours), so every file
the copied rows name is in the copied folder; files that arrive in between are merely extra.

The audit chain's key is deliberately not in the backup (docs/security.md): the restored chain
verifies with the key ring kept apart, as before."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from backend.settings import Settings

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
STORAGE = "storage"
FORMAT = 1
# Never part of a backup: uploads in progress, lock files.
_SKIP_DIRS = {".incoming"}
_SKIP_SUFFIXES = (".lock",)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in Chinese."""


@dataclass
class Manifest:
    engine: str  # "postgresql" | "sqlite"
    created_at: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    server_version: str = ""
    tool_version: str = ""

    @property
    def database_file(self) -> str:
        return PG_DUMP_FILE if self.engine == "postgresql" else SQLITE_FILE

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.__dict__}, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BackupError(f"{folder} 中没有备份清单 {MANIFEST}，不是本系统的备份。") from None
        except (OSError, ValueError):
            raise BackupError(f"备份清单 {path} 无法读取或已损坏。") from None
        if data.pop("format", None) != FORMAT or data.get("engine") not in ("postgresql", "sqlite"):
            raise BackupError(f"备份清单 {path} 的格式不受支持。")
        return cls(**data)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _storage_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        found.extend(Path(folder) / n for n in sorted(names) if not n.endswith(_SKIP_SUFFIXES))
    return found


def _pg_env(url: str, database: str | None = None) -> dict[str, str]:
    """libpq's environment for the URL: the password never appears on a command line (`ps`)."""
    parts = urlsplit(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    values = {
        "PGHOST": parts.hostname or "",
        "PGPORT": str(parts.port or ""),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": database or unquote(parts.path.lstrip("/")),
    }
    env.update({k: v for k, v in values.items() if v})
    return env


def _database_name(url: str) -> str:
    name = unquote(urlsplit(url).path.lstrip("/"))
    if not re.fullmatch(r"[A-Za-z0-9_]{1,63}", name):
        raise BackupError(f"数据库名“{name}”只能包含字母、数字和下划线。")
    return name


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(match.group(1)) if match else 0


def _tool_version(tool: str) -> str:
    try:
        out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        raise BackupError(
            f"找不到 {tool}：PostgreSQL 的备份与恢复需要与服务器同一主版本的客户端工具"
            "（Debian：apt-get install postgresql-client）。"
        ) from None
    return out.stdout.strip()


def _server_version(url: str) -> str:
    return _run_tool(["psql", "-tAc", "SHOW server_version"], url).strip()


def _run_tool(args: list[str], url: str, database: str | None = None) -> str:
    env = _pg_env(url, database)
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{args[0]} 执行失败：" + " / ".join(tail))
    return result.stdout


def tool_too_old(tool_text: str, server: str) -> bool:
    """ "pg_dump (PostgreSQL) 15.20 (Debian …)" against "15.20 (Debian …)": majors compared."""
    return _major(tool_text.partition(")")[2]) < _major(server)


def check_pg_tools(url: str, tool: str) -> tuple[str, str]:
    """pg_dump refuses a newer server, and a dump of an older tool may miss objects of a newer
    server: the tool's major version must be the server's (or newer)."""
    tool_text = _tool_version(tool)
    server = _server_version(url)
    if tool_too_old(tool_text, server):
        raise BackupError(
            f"{tool} 的版本（{tool_text}）低于数据库服务器（{server}）：请安装与服务器同一主版本的"
            "PostgreSQL 客户端工具。"
        )
    return tool_text, server


def _sqlite_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in sorted(names)
        }


def _pg_counts(url: str) -> dict[str, int]:
    sql = (
        "SELECT string_agg(format('SELECT %L, count(*) FROM %I', tablename, tablename), "
        "' UNION ALL ') FROM pg_tables WHERE schemaname = 'public'"
    )
    union = _run_tool(["psql", "-tAc", sql], url).strip()
    if not union:
        return {}
    out = _run_tool(["psql", "-tA", "-F", "\t", "-c", union], url)
    counts = {}
    for line in out.splitlines():
        name, _, number = line.partition("\t")
        if number:
            counts[name] = int(number)
    return dict(sorted(counts.items()))


def backup(settings: Settings, out: Path) -> Manifest:
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"备份目标 {out} 已存在且不是空文件夹：请指定一个新的文件夹。")
    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if settings.is_postgres:
        url = settings.database_url
        tool, server = check_pg_tools(url, "pg_dump")
        manifest = Manifest("postgresql", now, server_version=server, tool_version=tool)
        _run_tool(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(out / PG_DUMP_FILE)],
            url,
        )  # fmt: skip
        manifest.row_counts = _pg_counts(url)  # informative: the app may write meanwhile
    else:
        source = settings.sqlite_path
        if not source.is_file():
            raise BackupError(f"数据库文件 {source} 不存在。")
        manifest = Manifest("sqlite", now, server_version=sqlite3.sqlite_version)
        target = out / SQLITE_FILE
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)  # the online backup API: a consistent copy while others write
        manifest.row_counts = _sqlite_counts(target)
    database = out / manifest.database_file
    manifest.files[manifest.database_file] = {
        "sha256": sha256_of(database),
        "size": database.stat().st_size,
    }
    root = settings.storage_dir
    for path in _storage_files(root):
        relative = path.relative_to(root)
        copy = out / STORAGE / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        manifest.files[f"{STORAGE}/{relative.as_posix()}"] = {
            "sha256": sha256_of(copy),
            "size": copy.stat().st_size,
        }
    (out / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def verify(folder: Path) -> Manifest:
    """The manifest, once every file it lists is present with its size and SHA-256."""
    folder = Path(folder)
    manifest = Manifest.load(folder)
    if manifest.database_file not in manifest.files:
        raise BackupError("备份清单中没有数据库文件，备份不完整。")
    problems = []
    for name, expected in manifest.files.items():
        path = folder / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            problems.append(f"{name}：路径不合法")
        elif not path.is_file():
            problems.append(f"{name}：缺失")
        elif path.stat().st_size != expected["size"] or sha256_of(path) != expected["sha256"]:
            problems.append(f"{name}：内容与清单不符（SHA-256 校验失败）")
    if problems:
        shown = "；".join(problems[:10]) + ("……" if len(problems) > 10 else "")
        raise BackupError(f"备份校验失败，未做任何恢复：{shown}")
    return manifest


def _pg_database_exists(url: str) -> bool:
    name = _database_name(url)
    sql = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    return _run_tool(["psql", "-tAc", sql], url, database="postgres").strip() == "1"


def existing_data(settings: Settings) -> list[str]:
    """What a restore would overwrite, in Chinese (empty: a fresh install)."""
    found = []
    if settings.is_postgres:
        url = settings.database_url
        if _pg_database_exists(url):
            sql = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            tables = _run_tool(["psql", "-tAc", sql], url).strip()
            if tables and int(tables) > 0:
                found.append(f"数据库 {_database_name(url)} 中的 {tables} 张数据表")
    else:
        path = settings.sqlite_path
        if path.is_file() and path.stat().st_size > 0 and _sqlite_counts(path):
            found.append(f"数据库文件 {path}")
    files = _storage_files(settings.storage_dir)
    if files:
        found.append(f"存储文件夹 {settings.storage_dir} 中的 {len(files)} 个文件")
    return found


def restore(settings: Settings, folder: Path) -> Manifest:
    """Replace the database and the storage folder with the backup's (after `verify`)."""
    folder = Path(folder)
    manifest = verify(folder)
    engine = "postgresql" if settings.is_postgres else "sqlite"
    if manifest.engine != engine:
        names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
        raise BackupError(
            f"这是 {names[manifest.engine]} 的备份，而当前配置的数据库是 {names[engine]}："
            "请用相同类型的数据库恢复。"
        )
    if settings.is_postgres:
        _restore_pg(settings.database_url, folder / PG_DUMP_FILE)
    else:
        _restore_sqlite(settings.sqlite_path, folder / SQLITE_FILE)
    _restore_storage(settings.storage_dir, folder, manifest)
    return manifest


def _restore_pg(url: str, dump: Path) -> None:
    if not _pg_database_exists(url):  # a fresh install: no database yet
        name = _database_name(url)
        _run_tool(["psql", "-c", f'CREATE DATABASE "{name}"'], url, database="postgres")
    check_pg_tools(url, "pg_restore")
    _run_tool(
        ["psql", "-v", "ON_ERROR_STOP=1",
         "-c", "DROP SCHEMA IF EXISTS public CASCADE", "-c", "CREATE SCHEMA public"],
        url,
    )  # fmt: skip
    _run_tool(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", "--dbname", _database_name(url), str(dump)],
        url,
    )  # fmt: skip


def _restore_sqlite(target: Path, copy: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(copy, temp)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(temp, target)


def _restore_storage(root: Path, folder: Path, manifest: Manifest) -> None:
    for path in _storage_files(root):
        path.unlink()
    prefix = STORAGE + "/"
    for name, expected in manifest.files.items():
        if not name.startswith(prefix):
            continue
        target = root / name.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / name, target)
        if sha256_of(target) != expected["sha256"]:
            raise BackupError(f"恢复后的文件 {target} 校验失败（SHA-256 不符）：请检查磁盘。")
