"""`hegui remind scan`: run the reminder scan from the shell, or list what it would send."""

from __future__ import annotations

import datetime as dt
import sys

import click

from backend.lib.timeutil import TZ


def parse_as_of(raw: str | None) -> dt.datetime | None:
    """`YYYY-MM-DDTHH:MM` in Beijing time, or None for now."""
    if raw is None:
        return None
    try:
        moment = dt.datetime.strptime(raw.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        _refuse(
            f"“{raw}”不是有效的时间，请写作 YYYY-MM-DDTHH:MM（北京时间），如 2024-12-30T09:00。"
        )
    if not 2000 <= moment.year <= 2099:
        _refuse("扫描时间须在 2000—2099 年之间。")
    return moment.replace(tzinfo=TZ)


def _refuse(message: str) -> None:
    # click's own errors start "Error: Invalid value"; users read Chinese only.
    click.echo(f"--as-of 有误：{message}", err=True)
    sys.exit(2)


@click.group(help="督办提醒")
def remind() -> None:
    pass


@remind.command(
    "scan",
    help="按各单元格当前状态发送到期、逾期和退回修改提醒（每项只发一次）。"
    "--as-of 按指定时间（北京时间）扫描；--dry-run 只列出将发送的提醒，不发送。",
)
@click.option("--as-of", "as_of", default=None, help="扫描时间，如 2024-12-30T09:00（北京时间）")
@click.option("--dry-run", is_flag=True, help="只列出将发送的提醒，不发送")
def scan(as_of: str | None, dry_run: bool) -> None:
    from backend.cli_support import run_with_db
    from backend.domain.reminders.runner import lines, scan_configured, summary
    from backend.domain.reminders.scan import ScanResult

    moment = parse_as_of(as_of)

    async def work() -> ScanResult:
        return await scan_configured(moment, dry_run=dry_run)

    result = run_with_db(work)
    click.echo(summary(result))
    for line in lines(result):
        click.echo(line)
