"""`hegui store sweep`: remove crash leftovers from the file store by hand (see storage_sweep)."""

from __future__ import annotations

import click


@click.group(help="文件存储维护")
def store() -> None:
    pass


@store.command(
    "sweep",
    help="清理文件存储中的残留：超过保留期（STORE_GRACE_HOURS，默认 6 小时）的临时文件，"
    "以及无任何记录引用且超过保留期的存储文件。--dry-run 只列出，不删除。",
)
@click.option("--dry-run", is_flag=True, help="只列出将被清理的文件，不删除")
def sweep(dry_run: bool) -> None:
    from backend.cli_support import run_with_db
    from backend.storage_sweep import SweepReport, sweep_configured

    async def work() -> SweepReport:
        return await sweep_configured(dry_run=dry_run)

    report = run_with_db(work)
    click.echo(report.summary())
    for line in report.lines():
        click.echo(line)
