"""`hegui backup -o DIR` and `hegui restore DIR [--yes]` (backend/backup.py does the work)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from backend.cli_support import run_with_db
from backend.settings import get_settings


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


@click.command("backup", help="备份数据库与存储文件夹（含 SHA-256 校验清单）到一个新的文件夹。")
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(path_type=Path, file_okay=False)
)
def backup_command(out: Path) -> None:
    from backend.backup import BackupError, backup

    try:
        manifest = backup(get_settings(), out)
    except BackupError as exc:
        _fail(str(exc))
    size = sum(int(item["size"]) for item in manifest.files.values())
    click.echo(
        f"备份完成：{out}（{len(manifest.files)} 个文件，共 {size / 1048576:.1f} MB，"
        f"数据库 {manifest.engine}）。清单 manifest.json 记录了每个文件的 SHA-256。"
    )
    click.echo("请另行妥善保管操作日志密钥（HEGUI_AUDIT_KEY_FILE），它不在备份中。")


@click.command("restore", help="从备份恢复数据库与存储文件夹；覆盖现有数据前会先询问。")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="不询问，直接覆盖现有数据")
def restore_command(folder: Path, yes: bool) -> None:
    from backend.backup import BackupError, existing_data, restore, verify
    from backend.bootstrap import migrate

    settings = get_settings()
    try:
        manifest = verify(folder)
        click.echo(f"备份校验通过：{len(manifest.files)} 个文件，创建于 {manifest.created_at}。")
        present = existing_data(settings)
        if present and not yes:
            click.echo("恢复将覆盖现有数据：" + "；".join(present) + "。")
            try:
                agreed = click.confirm("确定要用备份覆盖这些数据吗？", default=False)
            except click.Abort:
                agreed = False
            if not agreed:
                _fail("已取消，未做任何改动。（无人值守时可加 --yes）")
        restore(settings, folder)
    except BackupError as exc:
        _fail(str(exc))
    run_with_db(migrate)  # a backup from older code is brought up to this code's schema
    click.echo("恢复完成。请用 hegui audit verify 校验操作日志哈希链（需原来的操作日志密钥）。")
