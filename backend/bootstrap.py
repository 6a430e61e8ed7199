"""Bring a database to a usable state: migrate, load programmes, and demo data when empty."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
from dataclasses import dataclass

from piccolo.apps.migrations.commands.forwards import run_forwards

from backend.db.board_triggers import ensure_board_triggers
from backend.db.tables import Obligation
from backend.domain.board.cells import refresh_board_cells
from backend.domain.demo.accounts import DemoAccount, create_demo_accounts, demo_accounts
from backend.domain.demo.chases import chase_demo
from backend.domain.demo.findings import load_demo_finding_due_soon
from backend.domain.demo.generator import DemoSummary, database_is_empty, load_demo
from backend.domain.demo.lists import load_demo_lists
from backend.domain.demo.mail import load_demo_mail
from backend.domain.demo.ratings import lock_first_demo_year, rate_demo_groups
from backend.domain.programmes.loader import LoadResult, load_all_programmes
from backend.domain.reminders.scan import run_scan
from backend.lib.timeutil import today
from backend.security.audit_guard import ensure_audit_guards
from backend.settings import Settings
from backend.storage import FileStore

log = logging.getLogger("hegui")


@dataclass(frozen=True)
class SeedReport:
    programmes: list[LoadResult]
    demo: DemoSummary | None
    accounts: list[DemoAccount]
    reminders: int = 0  # in-app reminders the demo's first scan sent


async def migrate() -> None:
    # Piccolo prints emoji progress lines meant for its own CLI; keep them for the log only.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        result = await run_forwards(app_name="hegui", migration_id="all")
    log.debug("piccolo: %s", captured.getvalue())
    if not result.success:
        raise RuntimeError(f"数据库迁移失败：{result.message}\n{captured.getvalue()}")
    # Idempotent: a database whose triggers were dropped gets them back at the next start.
    await ensure_audit_guards()
    await ensure_board_triggers()
    # A new or restored database rebuilds the board's spans here, not in a visitor's request.
    await refresh_board_cells()


async def seed(settings: Settings, *, demo: bool, demo_only_if_empty: bool = True) -> SeedReport:
    programmes = await load_all_programmes(settings.seed_dir)
    summary, reminders = None, 0
    if demo and (not demo_only_if_empty or await database_is_empty()):
        summary = await load_demo(FileStore(settings.storage_dir))
        await create_demo_accounts()
        years = sorted({r["due_year"] for r in await Obligation.select(Obligation.due_year)})
        await rate_demo_groups(years)
        await lock_first_demo_year(years)  # the 2023 scores published: shown on the 工作台
        await load_demo_lists()
        await load_demo_finding_due_soon(today())  # a 整改到期提醒 in the first scan
        # The reminders due today, so a newcomer finds some in 消息 and in the ledger.
        sent = await run_scan(dt.datetime.now(dt.UTC), settings.due_soon_workdays)
        reminders = sent.messages
        await chase_demo(settings.due_soon_workdays)  # a few 催报 and one 通报 to look at
        await load_demo_mail()  # addresses, a few 发送记录 rows and the reviewers' digest
        await refresh_board_cells()  # the demo's history, before the first visitor asks
    return SeedReport(programmes, summary, await demo_accounts(), reminders)
