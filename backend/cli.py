"""The `hegui` command line: serve, migrate, seed, worker."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from backend.cli_serve import announce_when_listening, database_description
from backend.cli_support import run_with_db
from backend.settings import Settings, get_settings

if TYPE_CHECKING:
    from backend.domain.demo.generator import DemoSummary

_run = run_with_db


def _describe(demo: DemoSummary) -> str:
    return (
        f"已载入演示数据：{demo.groups} 户集团（含提级管理 7 户）、{demo.subsidiaries} 户子企业、"
        f"{demo.submissions} 项报送（{demo.versions} 个版本、{demo.reviews} 条审核）、"
        f"{demo.exemptions} 项不适用或延期。"
    )


@click.group(help="Hegui 合规督导：市属国有企业合规管理工作督导系统")
def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")


@main.command(help="执行数据库迁移（SQLite 或 DATABASE_URL 指向的 PostgreSQL）。")
def migrate() -> None:
    from backend.bootstrap import migrate as run_migrate

    _run(run_migrate)
    click.echo("数据库迁移完成。")


@main.command(help="载入工作方案数据；--demo 同时载入演示数据（仅在数据库为空时）。")
@click.option("--demo", is_flag=True, help="载入演示企业及报送记录")
def seed(demo: bool) -> None:
    from backend.bootstrap import SeedReport
    from backend.bootstrap import migrate as run_migrate
    from backend.bootstrap import seed as run_seed

    settings = get_settings()

    async def work() -> SeedReport:
        await run_migrate()
        return await run_seed(settings, demo=demo)

    report = _run(work)
    for item in report.programmes:
        state = "已更新" if item.changed else "无变化"
        click.echo(f"工作方案 {item.code}：{item.obligations} 个节点任务（{state}）")
    if demo:
        click.echo(
            _describe(report.demo) if report.demo else "数据库已有企业数据，未载入演示数据。"
        )
    if report.reminders:
        click.echo(f"已按今日状态发出 {report.reminders} 条督办提醒（企业账号在“消息”中可见）。")


@main.command(help="迁移、载入工作方案（空库时载入演示数据），然后启动 Web 服务。")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-demo", is_flag=True, help="空库时不载入演示数据")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Web 进程数（默认：生产环境为 CPU 核数，否则 1；也可设 HEGUI_WORKERS）",
)
@click.option(
    "--no-migrate",
    is_flag=True,
    help="不执行迁移与载入（多副本部署时由单独的 hegui migrate 完成；/readyz 会核对迁移）",
)
def serve(host: str, port: int, no_demo: bool, workers: int | None, no_migrate: bool) -> None:
    import os
    import secrets

    import uvicorn

    from backend.bootstrap import SeedReport
    from backend.bootstrap import migrate as run_migrate
    from backend.bootstrap import seed as run_seed
    from backend.web.logs import log_config

    settings = get_settings()
    problems = settings.startup_problems()
    if problems:
        click.echo("配置有误，拒绝启动：", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(2)
    from backend.security.audit_key import AuditKeyError, load_ring

    try:
        load_ring()  # before migrating: re-anchoring old audit rows needs the key
    except AuditKeyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)

    # Piccolo logs "Running Sqlite version 3.4" (major.minor as a float: 3.45 reads as 3.4 and
    # 3.40 as 3.4); we say the full version ourselves, first thing.
    logging.getLogger("piccolo.engine.base").setLevel(logging.WARNING)
    click.echo(f"数据库：{database_description(settings)}")

    async def work() -> SeedReport:
        await run_migrate()
        return await run_seed(settings, demo=not no_demo and not settings.is_production)

    report = SeedReport([], None, [], 0) if no_migrate else _run(work)
    if report.demo:
        click.echo("空数据库：" + _describe(report.demo))
    if report.accounts:
        from backend.domain.demo.accounts import DEMO_PASSWORD

        click.echo(f"演示数据库的演示账户（密码均为 {DEMO_PASSWORD}，仅供演示）：")
        for account in report.accounts:
            where = f"，{account.enterprise}" if account.enterprise else ""
            click.echo(
                f"  {account.username:<11} {account.role.label:<10} {account.display_name}{where}"
            )
    processes = workers or settings.serve_workers()
    if not settings.secret_key_from_env:
        # Development without SECRET_KEY: one random key for every worker, or a CSRF token
        # signed by one process would be refused by the next.
        os.environ["SECRET_KEY"] = secrets.token_hex(32)
    click.echo(f"正在启动 Web 服务（{processes} 个进程）……")
    announce_when_listening(host, port, f"服务已启动：http://{host}:{port}（Ctrl+C 停止）")
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=processes,
        log_level="info",
        log_config=log_config(settings.log_format),
        # A stop (SIGTERM, Ctrl+C) refuses new connections and lets requests in flight, uploads
        # among them, finish for up to this long before closing them.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        **uvicorn_proxy_options(settings),
    )


def uvicorn_proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn trusts X-Forwarded-* from 127.0.0.1 unless told otherwise: give it exactly the
    proxies the app trusts (backend/web/edge.py), or none, so its log and the app agree."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(settings.trusted_proxies)}


@main.command(help="启动后台任务进程（arq，需设置 REDIS_URL）。")
def worker() -> None:
    settings = get_settings()
    if not settings.redis_url:
        click.echo("未设置 REDIS_URL：后台任务在 Web 进程内执行，无需单独启动 worker。", err=True)
        sys.exit(2)
    from arq.worker import run_worker

    from tasks.worker import WorkerSettings

    run_worker(WorkerSettings)  # type: ignore[arg-type]


def _register() -> None:
    from backend.cli_admin import export, import_group, users
    from backend.cli_audit import audit
    from backend.cli_backup import backup_command, restore_command
    from backend.cli_remind import remind
    from backend.cli_store import store

    main.add_command(users)
    main.add_command(export)
    main.add_command(audit)
    main.add_command(import_group)
    main.add_command(store)
    main.add_command(remind)
    main.add_command(backup_command)
    main.add_command(restore_command)

    from backend.domain.lists.cli import lists_group

    main.add_command(lists_group)


_register()

if __name__ == "__main__":
    main()
