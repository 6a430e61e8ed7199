"""Issue 8, defect 6: the store sweep removes crash leftovers (old temporaries, old blobs that no
row references) and nothing else, at start-up, daily, and from `hegui store sweep`."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from pathlib import Path

from backend.app import create_app
from backend.db.tables import ExportJob, SubmissionFile
from backend.settings import get_settings
from backend.storage import FileStore
from backend.storage_sweep import sweep_store
from tests import factories as f
from tests.fixtures import at
from tests.integration.test_cli import hegui

HOUR = 3600
GRACE = 6 * HOUR
OLD = time.time() - 2 * GRACE


def age(path: Path, when: float = OLD) -> Path:
    os.utime(path, (when, when))
    return path


def temporary(store: FileStore, data: bytes) -> Path:
    path = store.new_incoming()
    path.write_bytes(data)
    return path


def blob(store: FileStore, data: bytes, *, old: bool) -> str:
    digest = store.put_bytes(data)
    if old:
        age(store.path_for(digest))
    return digest


async def referenced_by_a_file(digest: str, roster: dict[str, int]) -> None:
    version = await f.submit(roster["G"], await f.obligation_id("A6"), at(2023, 11, 1))
    await SubmissionFile.insert(
        SubmissionFile(
            version=version,
            sha256=digest,
            original_name="a.pdf",
            size_bytes=3,
            media_type="application/pdf",
            detected_kind="pdf",
        )
    )


async def test_only_old_unreferenced_leftovers_are_removed(roster: dict[str, int]) -> None:
    store = FileStore(get_settings().storage_dir)
    old_part = age(temporary(store, b"x" * 5000))  # an upload part left by kill -9
    fresh_part = temporary(store, b"still arriving")  # an upload in progress
    orphan = blob(store, b"orphan", old=True)
    fresh_orphan = blob(store, b"just adopted, row not yet committed", old=False)
    kept_by_file = blob(store, b"kept by a file row", old=True)
    kept_by_export = blob(store, b"kept by an export job", old=True)
    await referenced_by_a_file(kept_by_file, roster)
    await ExportJob.insert(ExportJob(kind="board", status="done", file_sha256=kept_by_export))

    dry = await sweep_store(store, GRACE, dry_run=True)
    assert {b.sha256 for b in dry.blobs} == {orphan}
    assert {t.path for t in dry.temporaries} == {old_part}
    assert store.exists(orphan) and old_part.exists(), "a dry run removes nothing"
    assert "可清理临时文件 1 个、无记录引用的存储文件 1 个" in dry.summary()

    report = await sweep_store(store, GRACE)
    assert "已清理临时文件 1 个、无记录引用的存储文件 1 个" in report.summary()
    assert not store.exists(orphan) and not old_part.exists()
    assert fresh_part.exists()
    for digest in (fresh_orphan, kept_by_file, kept_by_export):
        assert store.exists(digest)
    again = await sweep_store(store, GRACE)
    assert again.summary() == "文件存储清理：没有需要清理的残留文件。"


async def test_put_bytes_leftovers_and_readopted_blobs(db: None) -> None:
    store = FileStore(get_settings().storage_dir)
    digest = blob(store, b"an old orphan", old=True)
    half = age(_write(store.path_for(digest).parent / ".tmp-abc123", b"half"))
    # An upload of the same bytes adopts the old orphan again: it is in use, so it stays.
    part = temporary(store, b"an old orphan")
    assert store.adopt(part, hashlib.sha256(b"an old orphan").hexdigest()) is False
    report = await sweep_store(store, GRACE)
    assert store.exists(digest)
    assert not half.exists() and [t.path for t in report.temporaries] == [half]
    # Once nobody has adopted it for longer than the grace period, it goes.
    later = await sweep_store(store, GRACE, now=time.time() + 2 * GRACE)
    assert [b.sha256 for b in later.blobs] == [digest] and not store.exists(digest)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


async def test_the_app_sweeps_at_start_up(db: None) -> None:
    store = FileStore(get_settings().storage_dir)
    old_part = age(temporary(store, b"left by a crash"))
    orphan = blob(store, b"orphan from a crash", old=True)
    app = create_app()
    async with app.lifespan():
        for _ in range(100):
            if not old_part.exists() and not store.exists(orphan):
                break
            await asyncio.sleep(0.05)
    assert not old_part.exists() and not store.exists(orphan)


def test_the_sweep_command(tmp_path: Path) -> None:
    assert hegui("migrate", var_dir=tmp_path).returncode == 0
    store = FileStore(tmp_path / "storage")
    old_part = age(temporary(store, b"x" * 2000))
    orphan = blob(store, b"orphan", old=True)
    dry = hegui("store", "sweep", "--dry-run", var_dir=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "可清理临时文件 1 个、无记录引用的存储文件 1 个" in dry.stdout
    assert orphan in dry.stdout and old_part.exists() and store.exists(orphan)
    real = hegui("store", "sweep", var_dir=tmp_path)
    assert real.returncode == 0, real.stderr
    assert "已清理临时文件 1 个" in real.stdout
    assert not old_part.exists() and not store.exists(orphan)
