"""`hegui audit …`: check the chain (optionally against a kept head), export a signed head,
rotate the chain's key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from backend.cli_support import run_with_db
from backend.security.audit import Actor

CLI_ACTOR = Actor(None, "命令行")
_run = run_with_db


def _fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.group(help="操作日志")
def audit() -> None:
    pass


@audit.command("verify", help="校验操作日志哈希链，发现篡改（或比链头少了记录）时以非零状态退出。")
@click.option(
    "--head",
    "head_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="此前导出的链头文件：同时核对日志是否被截断",
)
def verify(head_file: Path | None) -> None:
    from backend.security.audit import verify_chain
    from backend.security.audit_chain import HeadError, parse_head
    from backend.security.audit_key import AuditKeyError

    try:
        head = None
        if head_file is not None:
            try:
                text = head_file.read_bytes()
            except OSError:
                _fail(f"无法读取链头文件 {head_file}。")
            head = parse_head(text)
        result = _run(lambda: verify_chain(head))
    except (HeadError, AuditKeyError) as exc:
        _fail(str(exc))
    click.echo(result.message)
    sys.exit(0 if result.ok else 1)


@audit.command(
    "head", help="导出经密钥签名的链头（最新一条记录的编号、哈希与总条数），请保存在系统以外。"
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="写入此文件（默认输出到屏幕）",
)
def head(output: Path | None) -> None:
    from backend.security.audit import AuditAction, record
    from backend.security.audit_chain import HeadError, dump_head, make_head
    from backend.security.audit_key import AuditKeyError

    async def work() -> dict[str, Any]:
        statement = await make_head()
        await record(
            AuditAction.AUDIT_HEAD_EXPORT,
            CLI_ACTOR,
            entity="audit_event",
            entity_id=statement["记录号"],
            changes={"记录条数": statement["记录条数"]},
        )
        return statement

    try:
        statement = _run(work)
    except (HeadError, AuditKeyError) as exc:
        _fail(str(exc), 1)
    text = dump_head(statement)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(
        f"链头已写入 {output}：第 {statement['记录号']} 条，共 {statement['记录条数']:,} 条。"
        "请将其保存在本系统以外。"
    )


@audit.command(
    "rotate-key", help="生成新的操作日志密钥并设为当前密钥；旧密钥保留在密钥环中用于校验。"
)
def rotate_key() -> None:
    from backend.security.audit import AuditAction, record
    from backend.security.audit_key import AuditKeyError, rotate

    try:
        old_id, new_id, path = rotate()
    except AuditKeyError as exc:
        _fail(str(exc))

    async def work() -> None:
        await record(
            AuditAction.AUDIT_KEY_ROTATE,
            CLI_ACTOR,
            entity="audit_event",
            changes={"原密钥编号": old_id, "新密钥编号": new_id},
        )

    _run(work)
    click.echo(
        f"已更换操作日志密钥：当前密钥编号 {new_id}，"
        f"原密钥 {old_id} 保留在 {path} 中用于校验旧记录。"
        "请立即备份该文件（与数据库分开保存）；运行中的服务会自动读取新密钥。"
    )
