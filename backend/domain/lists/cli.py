"""`hegui lists template -o FILE` writes the empty workbook; `hegui lists check FILE` reads a
filled one and prints its errors and checks, storing nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group(name="lists", help="三张清单（违规风险、重点岗位合规职责、重点流程节点）")
def lists_group() -> None:
    pass


@lists_group.command("template", help="写出三张清单填报模板（xlsx）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def template(output: Path) -> None:
    from backend.domain.lists.template import build_template
    from backend.domain.lists.vocabulary import load_vocabulary

    output.write_bytes(build_template(load_vocabulary()))
    click.echo(f"已写出三张清单模板：{output}")


@lists_group.command("check", help="校验一份填好的三张清单（不保存），列出错误和自动检查结果。")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    from backend.domain.errors import Invalid
    from backend.domain.lists.service import check_lists, read_cells
    from backend.domain.lists.vocabulary import load_vocabulary
    from backend.rules.lists.parse import parse_workbook

    try:
        parsed = parse_workbook(read_cells(file), load_vocabulary())
    except Invalid as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)
    for error in parsed.errors:
        column = f"“{error.column}”列" if error.column else ""
        click.echo(f"{error.sheet} 第 {error.row} 行{column}：{error.message}")
    if parsed.errors:
        click.echo(f"共 {len(parsed.errors)} 处错误，请修改后重新校验。", err=True)
        sys.exit(1)
    lists = parsed.lists
    click.echo(
        f"读取成功：风险事项 {len(lists.risks)} 项，重点岗位 {len(lists.positions)} 个，"
        f"流程节点 {len(lists.processes)} 个。"
    )
    for result in check_lists(lists):
        click.echo(f"【{result.result.label}】{result.code.label}：{result.detail}")
