"""Names for what audit events point at: the 操作日志 says 报送材料 P1 实施方案（2023年度）,
账户 reviewer or 导出任务 考核评分表-2024.xlsx, never a table name and an id. One batched query per
kind of object on the page, whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from backend.db.tables import (
    Account,
    ApiToken,
    Enterprise,
    Exemption,
    ExportJob,
    ListVersion,
    ScoreAdjustment,
    ScoreLock,
    Submission,
    SubmissionFile,
)
from backend.rules import audit_fields
from backend.rules.audit_fields import EXPORT_KINDS
from backend.security.actions import AuditEntity


def _ids(values: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in values if str(v).isdecimal() and len(str(v)) < 12})


def _obligation_text(row: dict[str, Any]) -> str:
    return f"{row['code']} {row['title']}（{row['year']}年度）"


async def _accounts(ids: list[int]) -> dict[int, str]:
    rows = await Account.select(Account.id, Account.username, Account.display_name).where(
        Account.id.is_in(ids)
    )
    return {
        r["id"]: r["username"] + (f"（{r['display_name']}）" if r["display_name"] else "")
        for r in rows
    }


async def _enterprises(ids: list[int]) -> dict[int, str]:
    rows = await Enterprise.select(Enterprise.id, Enterprise.name).where(Enterprise.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def _submissions(ids: list[int]) -> dict[int, str]:
    rows = await Submission.select(
        Submission.id,
        Submission.obligation.code.as_alias("code"),
        Submission.obligation.title.as_alias("title"),
        Submission.obligation.due_year.as_alias("year"),
    ).where(Submission.id.is_in(ids))
    return {r["id"]: _obligation_text(r) for r in rows}


async def _exemptions(ids: list[int]) -> dict[int, str]:
    rows = await Exemption.select(
        Exemption.id,
        Exemption.obligation.code.as_alias("code"),
        Exemption.obligation.title.as_alias("title"),
        Exemption.obligation.due_year.as_alias("year"),
    ).where(Exemption.id.is_in(ids))
    return {r["id"]: _obligation_text(r) for r in rows}


async def _exports(ids: list[int]) -> dict[int, str]:
    rows = await ExportJob.select(ExportJob.id, ExportJob.kind, ExportJob.file_name).where(
        ExportJob.id.is_in(ids)
    )
    return {r["id"]: r["file_name"] or EXPORT_KINDS.get(r["kind"], "导出文件") for r in rows}


async def _tokens(ids: list[int]) -> dict[int, str]:
    rows = await ApiToken.select(ApiToken.id, ApiToken.name).where(ApiToken.id.is_in(ids))
    return {r["id"]: r["name"] or "（未命名）" for r in rows}


async def _lists(ids: list[int]) -> dict[int, str]:
    rows = await ListVersion.select(ListVersion.id, ListVersion.version_no).where(
        ListVersion.id.is_in(ids)
    )
    return {r["id"]: f"第 {r['version_no']} 版" for r in rows}


async def _adjustments(ids: list[int]) -> dict[int, str]:
    rows = await ScoreAdjustment.select(
        ScoreAdjustment.id, ScoreAdjustment.score_year, ScoreAdjustment.amount
    ).where(ScoreAdjustment.id.is_in(ids))
    return {r["id"]: f"{r['score_year']}年度 {r['amount']:+g} 分" for r in rows}


async def _locks(ids: list[int]) -> dict[int, str]:
    rows = await ScoreLock.select(ScoreLock.id, ScoreLock.score_year).where(ScoreLock.id.is_in(ids))
    return {r["id"]: f"{r['score_year']}年度" for r in rows}


async def _files(ids: list[int]) -> dict[int, str]:
    rows = await SubmissionFile.select(SubmissionFile.id, SubmissionFile.original_name).where(
        SubmissionFile.id.is_in(ids)
    )
    return {r["id"]: r["original_name"] for r in rows}


_LOOKUPS = {
    AuditEntity.ACCOUNT: _accounts,
    AuditEntity.ENTERPRISE: _enterprises,
    AuditEntity.SUBMISSION: _submissions,
    AuditEntity.EXEMPTION: _exemptions,
    AuditEntity.EXPORT_JOB: _exports,
    AuditEntity.API_TOKEN: _tokens,
    AuditEntity.LIST_VERSION: _lists,
    AuditEntity.SCORE_ADJUSTMENT: _adjustments,
    AuditEntity.SCORE_LOCK: _locks,
    AuditEntity.SUBMISSION_FILE: _files,
}


async def lookup(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """(kind, id) → name for every id wanted, one query per kind."""
    found: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        fetch = _LOOKUPS.get(kind)  # type: ignore[call-overload]
        if fetch is not None and ids:
            found |= {(kind, k): v for k, v in (await fetch(sorted(ids))).items()}
    return found


def _rating_text(entity_id: str) -> str:
    """effectiveness_rating ids are "<enterprise>:<year>"."""
    year = entity_id.rpartition(":")[2]
    return f"{year}年度" if year.isdecimal() else ""


async def name_objects(rows: list[dict[str, Any]]) -> None:
    """Set each row's ``entity_text`` (what it is about, by name), ``names`` (the names of the
    ids inside its changes) and ``enterprise_name``."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for kind, ref in audit_fields.references(row["changes"], row["action"]):
            wanted[kind].add(ref)
        if row["entity"] in _LOOKUPS and (ids := _ids([row["entity_id"]])):
            wanted[row["entity"]].update(ids)
        if row["enterprise_id"] is not None:
            wanted[AuditEntity.ENTERPRISE].add(row["enterprise_id"])
    names = await lookup(wanted)
    for row in rows:
        entity, ident = row["entity"], str(row["entity_id"])
        label = AuditEntity.label_of(entity, "其他") if entity else ""
        if entity == AuditEntity.EFFECTIVENESS_RATING:
            detail = _rating_text(ident)
        elif ident.isdecimal() and entity in _LOOKUPS:
            detail = names.get((entity, int(ident)), "（已不存在）")
        else:
            detail = ""
        row["entity_text"] = f"{label} {detail}".strip()
        row["names"] = names
        enterprise = row["enterprise_id"]
        row["enterprise_name"] = (
            names.get((AuditEntity.ENTERPRISE, enterprise), "（已不存在）")
            if enterprise is not None
            else ""
        )
