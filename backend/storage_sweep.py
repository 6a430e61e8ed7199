"""The store sweep: removes what crashes leave behind, and only that (issue 8, defect 6).

A process killed while receiving an upload or writing an export leaves its temporary file in
`.incoming/`; an upload that failed after adopting its blob leaves a blob no row points to
(by design: see `backend/storage.py`). The sweep removes
- temporaries untouched for the grace period (a live request or job keeps writing to its own);
- blobs that no row references and that nobody adopted during the grace period.
It runs at start-up and daily (in the web process, and as an arq cron job in the worker), and
from the shell as `hegui store sweep [--dry-run]`. It says in Chinese what it removed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread

from backend.db.tables import ExportJob, FindingFile, InspectionFile, ListVersion, SubmissionFile
from backend.settings import get_settings
from backend.storage import FileStore, Leftover

log = logging.getLogger("hegui")
SWEEP_EVERY_SECONDS = 24 * 3600
_CHUNK = 500  # hashes per reference query (keeps the IN list well inside both engines' limits)


@dataclass
class SweepReport:
    dry_run: bool
    temporaries: list[Leftover] = field(default_factory=list)
    blobs: list[Leftover] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(x.size for x in self.temporaries + self.blobs)

    def summary(self) -> str:
        verb = "可清理" if self.dry_run else "已清理"
        if not self.temporaries and not self.blobs:
            return "文件存储清理：没有需要清理的残留文件。"
        return (
            f"文件存储清理：{verb}临时文件 {len(self.temporaries)} 个、"
            f"无记录引用的存储文件 {len(self.blobs)} 个，共 {_size(self.bytes)}。"
        )

    def lines(self) -> list[str]:
        kind = {id(x): "临时文件" for x in self.temporaries}
        return [
            f"  {kind.get(id(x), '存储文件')} {x.path.name}（{_size(x.size)}）"
            for x in self.temporaries + self.blobs
        ]


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} 字节"


async def _referenced(hashes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        rows = await SubmissionFile.select(SubmissionFile.sha256).where(
            SubmissionFile.sha256.is_in(chunk)
        )
        found.update(r["sha256"] for r in rows)
        rows = await ExportJob.select(ExportJob.file_sha256).where(
            ExportJob.file_sha256.is_in(chunk)
        )
        found.update(r["file_sha256"] for r in rows)
        rows = await ListVersion.select(ListVersion.source_sha256).where(
            ListVersion.source_sha256.is_in(chunk)
        )
        found.update(r["source_sha256"] for r in rows)
        for evidence in (FindingFile, InspectionFile):  # 整改佐证材料, inspection reports
            rows = await evidence.select(evidence.sha256).where(evidence.sha256.is_in(chunk))
            found.update(r["sha256"] for r in rows)
    return found


async def sweep_store(
    store: FileStore, grace_seconds: float, *, dry_run: bool = False, now: float | None = None
) -> SweepReport:
    cutoff = (time.time() if now is None else now) - grace_seconds
    report = SweepReport(dry_run=dry_run)
    temporaries = await anyio.to_thread.run_sync(lambda: list(store.temporaries()))
    for temp in temporaries:
        if temp.mtime < cutoff and (
            dry_run
            or await anyio.to_thread.run_sync(store.remove_stale_temporary, temp.path, cutoff)
        ):
            report.temporaries.append(temp)
    blobs = await anyio.to_thread.run_sync(lambda: [b for b in store.blobs() if b.mtime < cutoff])
    referenced = await _referenced([b.sha256 for b in blobs])
    for blob in blobs:
        if blob.sha256 in referenced:
            continue
        # The last check (not adopted since the cutoff) and the unlink happen under the store's
        # exclusive lock, so an upload adopting this blob right now keeps it.
        if dry_run or await anyio.to_thread.run_sync(store.remove_stale_blob, blob.sha256, cutoff):
            report.blobs.append(blob)
    return report


async def sweep_configured(*, dry_run: bool = False) -> SweepReport:
    settings = get_settings()
    report = await sweep_store(
        FileStore(settings.storage_dir), settings.store_grace_hours * 3600, dry_run=dry_run
    )
    log.info(report.summary())
    for line in report.lines():
        log.info(line)
    return report


async def _sweep_forever() -> None:
    while True:
        try:
            await sweep_configured()
        except Exception:  # a failed sweep must not stop the web process; try again tomorrow
            log.exception("文件存储清理失败")
        await asyncio.sleep(SWEEP_EVERY_SECONDS)


@contextlib.asynccontextmanager
async def store_sweeper(_app: Any = None) -> AsyncIterator[None]:
    """App lifespan: sweep once at start-up (in the background, so start-up is not delayed)
    and then daily, for as long as the app runs."""
    task = asyncio.create_task(_sweep_forever())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def sweep_store_job(ctx: dict[str, Any]) -> str:
    """arq cron job (the worker's daily run)."""
    return (await sweep_configured()).summary()
