"""Bring a database to a usable state: migrate, load programmes, and demo data when empty."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from piccolo.apps.migrations.commands.forwards import run_forwards

from backend.domain.demo.generator import DemoSummary, database_is_empty, load_demo
from backend.domain.programmes.loader import LoadResult, load_all_programmes
from backend.settings import Settings
from backend.storage import FileStore

log = logging.getLogger("hegui")


@dataclass(frozen=True)
class SeedReport:
    programmes: list[LoadResult]
    demo: DemoSummary | None


async def migrate() -> None:
    result = await run_forwards(app_name="hegui", migration_id="all")
    if not result.success:
        raise RuntimeError(f"数据库迁移失败：{result.message}")


async def seed(settings: Settings, *, demo: bool, demo_only_if_empty: bool = True) -> SeedReport:
    programmes = await load_all_programmes(settings.seed_dir)
    summary = None
    if demo and (not demo_only_if_empty or await database_is_empty()):
        summary = await load_demo(FileStore(settings.storage_dir))
    return SeedReport(programmes, summary)
