"""One registry of export kinds: for each, its Chinese label, the builder that writes the
workbook and the file names. Adding a kind is one entry here; the service, the page, the CLI and
the download all read it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import anyio.to_thread

from backend.domain.errors import Invalid
from backend.domain.exports.board_sheet import build_board_sheet
from backend.domain.exports.sheets import OnRow, build_assessment
from backend.settings import get_settings


class ExportError(Invalid):
    """A refused or failed export, with a Chinese message for the user."""


class ExportKind(StrEnum):
    label: str

    def __new__(cls, value: str, label: str) -> ExportKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    ASSESSMENT = "assessment", "考核评分表"
    BOARD = "board", "进度台账"
    FINDINGS = "findings", "整改台账"
    CIRCULAR_DOCX = "circular_docx", "通报（Word）"
    CIRCULAR_XLSX = "circular_xlsx", "通报（Excel）"


class JobStatus(StrEnum):
    label: str

    def __new__(cls, value: str, label: str) -> JobStatus:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


Builder = Callable[[dict[str, Any], Path, OnRow | None], Awaitable[int]]


async def _assessment(params: dict[str, Any], path: Path, on_row: OnRow | None) -> int:
    from backend.domain.scores.service import compute_scores, current_programme

    as_of, year = dt.date.fromisoformat(params["as_of"]), int(params["year"])
    programme = await current_programme(params.get("programme_id"))
    if programme is None:
        raise ExportError("尚未载入工作方案，无法生成考核评分表。")
    scores = await compute_scores(year, as_of, programme_id=params.get("programme_id"))
    build = functools.partial(
        build_assessment,
        path,
        title=f"{year}年度市属国有企业合规管理工作考核评分表",
        doc_no=str(programme.get("doc_no") or ""),
        year=year,
        as_of=as_of,
        scores=scores,
        on_row=on_row,
    )
    rows: int = await anyio.to_thread.run_sync(build)
    return rows


async def _board(params: dict[str, Any], path: Path, on_row: OnRow | None) -> int:
    from backend.domain.board.service import BoardQuery, build_board

    as_of = dt.date.fromisoformat(params["as_of"])
    programme_id, year = params.get("programme_id"), params.get("year")
    query = BoardQuery(as_of=as_of, programme_id=programme_id, year=year)
    board = await build_board(query, get_settings().due_soon_workdays)
    build = functools.partial(build_board_sheet, path, board=board, on_row=on_row)
    rows: int = await anyio.to_thread.run_sync(build)
    return rows


async def _findings(params: dict[str, Any], path: Path, on_row: OnRow | None) -> int:
    from backend.domain.exports.findings_sheet import build_findings_sheet
    from backend.domain.rectification.ledger import COLUMNS, ledger_rows
    from backend.domain.rectification.reads import FindingFilter, histories, list_findings
    from backend.lib.timeutil import end_of_day

    as_of = dt.date.fromisoformat(params["as_of"])
    year = int(params["year"]) if params.get("year") else None
    moment = end_of_day(as_of)
    found, _ = await list_findings(FindingFilter(year=year), None, moment)
    rows = ledger_rows(found, await histories([r["id"] for r in found], moment))
    span = f"{year}年（整改时限）" if year else "全部年度"
    build = functools.partial(
        build_findings_sheet,
        path,
        title="市属国有企业合规管理问题整改台账",
        subtitle=f"范围：{span}　　截至：{as_of.year}年{as_of.month}月{as_of.day}日",
        columns=COLUMNS,
        rows=rows,
        on_row=on_row,
    )
    written: int = await anyio.to_thread.run_sync(build)
    return written


async def _circular(params: dict[str, Any], path: Path, on_row: OnRow | None, *, docx: bool) -> int:
    from backend.domain.chase.circular import build_circular
    from backend.domain.exports.circular_files import build_circular_docx, build_circular_sheet

    as_of = dt.date.fromisoformat(params["as_of"])
    circular = await build_circular(
        as_of, get_settings().due_soon_workdays, params.get("programme_id"), params.get("year")
    )
    writer = build_circular_docx if docx else build_circular_sheet
    build = functools.partial(writer, path, circular=circular, on_row=on_row)
    rows: int = await anyio.to_thread.run_sync(build)
    return rows


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ExportSpec:
    kind: ExportKind
    build: Builder
    fallback_name: str  # ASCII name for clients that ignore filename*=
    suffix: str = ".xlsx"
    media_type: str = XLSX
    stem: str = ""  # the file name's label, when not the kind's

    @property
    def label(self) -> str:
        return self.kind.label

    def file_name(self, params: dict[str, Any]) -> str:
        """考核评分表-2024-截至2024-12-31.xlsx; 进度台账-截至….xlsx (no year: all years)."""
        year = f"-{params['year']}" if params.get("year") else ""
        return f"{self.stem or self.label}{year}-截至{params['as_of']}{self.suffix}"


REGISTRY: dict[str, ExportSpec] = {
    ExportKind.ASSESSMENT: ExportSpec(ExportKind.ASSESSMENT, _assessment, "assessment"),
    ExportKind.BOARD: ExportSpec(ExportKind.BOARD, _board, "board"),
    ExportKind.FINDINGS: ExportSpec(ExportKind.FINDINGS, _findings, "findings"),
    ExportKind.CIRCULAR_DOCX: ExportSpec(
        ExportKind.CIRCULAR_DOCX,
        functools.partial(_circular, docx=True),
        "circular",
        ".docx",
        DOCX,
        "通报",
    ),
    ExportKind.CIRCULAR_XLSX: ExportSpec(
        ExportKind.CIRCULAR_XLSX, functools.partial(_circular, docx=False), "circular", stem="通报"
    ),
}
KINDS = {spec.kind.value: spec.label for spec in REGISTRY.values()}


def spec_for(kind: str) -> ExportSpec:
    spec = REGISTRY.get(kind)
    if spec is None:
        choices = "、".join(f"“{s.label}”" for s in REGISTRY.values())
        raise ExportError(f"导出类型无效，请选择{choices}。")
    return spec
