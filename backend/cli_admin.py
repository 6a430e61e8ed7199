"""`hegui users …`, `hegui audit …` and `hegui import …`: administration from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from backend.cli_support import run_with_db
from backend.security.audit import SYSTEM, Actor

_run = run_with_db


CLI_ACTOR = Actor(None, "命令行")


@click.group(help="用户管理")
def users() -> None:
    pass


@users.command(
    "create", help="创建用户；--password-stdin 从标准输入读取初始密码（否则随机生成并打印）。"
)
@click.argument("username")
@click.option(
    "--role",
    required=True,
    help="sasac_admin | sasac_reviewer | sasac_leader | "
    "enterprise_admin | enterprise_user | auditor",
)
@click.option("--enterprise", "credit_code", default="", help="企业账户所属企业的统一社会信用代码")
@click.option("--name", "display_name", default="", help="姓名")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）")
def create_user(
    username: str, role: str, credit_code: str, display_name: str, password_stdin: bool
) -> None:
    from backend.db.tables import Enterprise
    from backend.domain.accounts.service import AccountError, create_account

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None

    async def work() -> tuple[int, str]:
        enterprise_id = None
        if credit_code:
            row = (
                await Enterprise.select(Enterprise.id)
                .where(Enterprise.credit_code == credit_code.strip().upper())
                .first()
            )
            if row is None:
                raise AccountError(f"未找到统一社会信用代码为 {credit_code} 的企业。")
            enterprise_id = row["id"]
        return await create_account(
            CLI_ACTOR,
            username=username,
            role=role,
            display_name=display_name,
            enterprise_id=enterprise_id,
            password=password,
        )

    try:
        account_id, initial = _run(work)
    except AccountError as exc:
        click.echo(f"创建失败：{exc}", err=True)
        sys.exit(1)
    click.echo(f"已创建用户 {username}（编号 {account_id}），首次登录须修改密码。")
    if not password_stdin:
        click.echo(f"初始密码：{initial}")


@users.command(
    "token",
    help="应急：为用户签发一个新的 API 令牌（最后一行即令牌，只显示这一次）。"
    "平时请由用户本人在“我的接口令牌”页面签发；此命令以“命令行应急签发”单独记入操作日志。",
)
@click.argument("username")
@click.option("--name", default="命令行签发", help="令牌用途")
def create_token_cmd(username: str, name: str) -> None:
    from backend.db.tables import Account
    from backend.domain.accounts.tokens import create_token
    from backend.domain.errors import DomainError

    async def work() -> str:
        row = await Account.select(Account.id).where(Account.username == username).first()
        if row is None:
            raise DomainError(f"未找到用户 {username}。")
        return await create_token(CLI_ACTOR, row["id"], name, break_glass=True)

    try:
        token = _run(work)
    except DomainError as exc:
        click.echo(f"未签发：{exc.message}", err=True)
        sys.exit(1)
    click.echo("以下为新的 API 令牌，请妥善保存（系统只保存其摘要，无法再次查看）：")
    click.echo(token)


@users.command(
    "mfa-reset",
    help="重置用户的动态口令（下次登录须重新绑定）。安全审计员的动态口令只能用此命令重置。",
)
@click.argument("username")
def mfa_reset_cmd(username: str) -> None:
    from backend.db.tables import Account
    from backend.domain.accounts.mfa import reset
    from backend.domain.errors import DomainError

    async def work() -> None:
        row = await Account.select(Account.id).where(Account.username == username).first()
        if row is None:
            raise DomainError(f"未找到用户 {username}。")
        await reset(CLI_ACTOR, row["id"])

    try:
        _run(work)
    except DomainError as exc:
        click.echo(f"未重置：{exc.message}", err=True)
        sys.exit(1)
    click.echo(f"已重置 {username} 的动态口令，其现有登录已全部退出，下次登录须重新绑定。")


@click.group(name="import", help="导入数据")
def import_group() -> None:
    pass


@import_group.command("enterprises", help="导入企业名录（xlsx）；--template 写出空白模板。")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--template", is_flag=True, help="在 FILE 处写出空白模板")
@click.option("--dry-run", is_flag=True, help="只校验，不写入")
def import_enterprises(file: Path, template: bool, dry_run: bool) -> None:
    from backend.domain.enterprises.importer import import_roster
    from backend.domain.enterprises.roster import RosterError, roster_template
    from backend.security.audit import AuditAction, record

    if template:
        file.write_bytes(roster_template())
        click.echo(f"已写出企业名录模板：{file}")
        return
    if not file.is_file():
        click.echo(f"文件不存在：{file}", err=True)
        sys.exit(2)
    data = file.read_bytes()

    async def work():
        report = await import_roster(data, dry_run=dry_run)
        if not report.errors and not dry_run and (report.created or report.updated):
            await record(
                AuditAction.ENTERPRISE_IMPORT,
                CLI_ACTOR,
                entity="enterprise",
                changes={"file": file.name, "created": report.created, "updated": report.updated},
            )
        return report

    try:
        report = _run(work)
    except RosterError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for error in report.errors:
        click.echo(str(error), err=True)
    if report.errors:
        click.echo(f"共 {len(report.errors)} 处错误，未导入任何数据。", err=True)
        sys.exit(1)
    verb = "校验通过（未写入）" if dry_run else "导入完成"
    click.echo(
        f"{verb}：新增 {report.created} 户，更新 {report.updated} 户，未变 {report.unchanged} 户。"
    )


@click.group(help="导出考核评分表、进度台账（xlsx，直接写入文件，不经后台任务）")
def export() -> None:
    pass


def _export(kind: str, year: str, as_of: str, output: Path) -> None:
    from backend.domain.errors import DomainError
    from backend.domain.exports.service import KINDS, ExportError, build_file, parse_params
    from backend.security.audit import AuditAction, record

    try:
        params = parse_params(kind, {"year": year, "as_of": as_of})
    except ExportError as exc:
        click.echo(f"导出失败：{exc}", err=True)
        sys.exit(2)

    async def work() -> int:
        from backend.domain.exports.years import settle_year

        nonlocal params
        params = await settle_year(kind, {"year": year}, params)
        rows = await build_file(kind, params, output)
        changes = {"kind": kind, "name": KINDS[kind], "file": output.name, **params}
        await record(AuditAction.EXPORT, CLI_ACTOR, entity="export_job", changes=changes)
        return rows

    try:
        rows = _run(work)
    except (ExportError, DomainError) as exc:
        click.echo(f"导出失败：{exc}", err=True)
        sys.exit(1)
    click.echo(f"已导出{KINDS[kind]}（{rows} 行）：{output}")


@export.command("assessment", help="考核评分表：--year 年度 [--as-of 截至日期] -o 文件")
@click.option("--year", required=True, help="考核年度，如 2024")
@click.option("--as-of", "as_of", default="", help="截至日期（YYYY-MM-DD，默认今天）")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_assessment(year: str, as_of: str, output: Path) -> None:
    _export("assessment", year, as_of, output)


@export.command("board", help="进度台账：[--year 年度] [--as-of 截至日期] -o 文件")
@click.option("--year", default="", help="只导出该年度的节点任务（默认全部年度）")
@click.option("--as-of", "as_of", default="", help="截至日期（YYYY-MM-DD，默认今天）")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_board(year: str, as_of: str, output: Path) -> None:
    _export("board", year, as_of, output)


__all__ = ["SYSTEM", "export", "import_group", "users"]
