"""Importing a filled workbook as a new version of an enterprise's three lists.

Every cell is validated first; with any error nothing is stored (and no file kept). A good
workbook is stored in one write transaction: the version, its items, the audit event. The
workbook itself goes into the file store by SHA-256, removed again if the transaction fails."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from python_calamine import CalamineWorkbook

from backend.db.tables import Enterprise, ListExemption, ListNode, ListPost, ListRisk, ListVersion
from backend.db.transactions import engine_type, write_transaction
from backend.domain.errors import Invalid, NotFound
from backend.domain.lists.vocabulary import load_vocabulary
from backend.domain.shared.enterprises import get_enterprise
from backend.lib import timeutil
from backend.rules.lists import checks
from backend.rules.lists.checks import CheckResult
from backend.rules.lists.model import ListSet
from backend.rules.lists.parse import CellError, parse_workbook
from backend.security.audit import Actor, AuditAction, record
from backend.storage import FileStore


@dataclass
class ImportOutcome:
    version: int | None  # the new version number; None on a dry run or with errors
    errors: list[CellError] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)


def read_cells(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values (python-calamine); Invalid if the file is not a workbook."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        return {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names
        }
    except Exception:  # calamine raises its own error types for every kind of broken file
        raise Invalid("无法读取文件：请上传用系统模板填写的 Excel 工作簿（.xlsx）。") from None


def check_lists(
    lists: ListSet, today: dt.date | None = None, first_in_force: dt.date | None = None
) -> list[CheckResult]:
    return checks.run_checks(
        lists, load_vocabulary(), today or timeutil.today(), first_in_force=first_in_force
    )


async def first_in_force(enterprise_id: int) -> dt.date | None:
    """When the enterprise's earliest stored version took effect, if any."""
    rows = await ListVersion.select(ListVersion.effective_from).where(
        ListVersion.enterprise == enterprise_id, ListVersion.effective_from.is_not_null()
    )
    return min((r["effective_from"] for r in rows), default=None)


def serialize_checks(results: list[CheckResult]) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code.value,
            "result": r.result.value,
            "detail": r.detail,
            "rows": [[ref.sheet.value, ref.row, ref.column] for ref in r.rows],
        }
        for r in results
    ]


async def import_lists(
    enterprise_id: int,
    path: Path,
    *,
    source_name: str,
    sha256: str,
    actor: Actor,
    scope: int | None,
    store: FileStore,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportOutcome:
    """Validate the workbook at `path` (a temporary file) and, unless a dry run or in error,
    store it as the enterprise's next version. The caller removes `path` afterwards."""
    enterprise = await get_enterprise(enterprise_id, scope)
    if enterprise is None:
        raise NotFound("未找到该企业。")
    cells = await anyio.to_thread.run_sync(read_cells, path)
    parsed = await anyio.to_thread.run_sync(parse_workbook, cells, load_vocabulary())
    results = check_lists(parsed.lists, today, await first_in_force(enterprise_id))
    if parsed.errors:  # the checks still run on what could be read, so all is said at once
        return ImportOutcome(None, parsed.errors, results)
    if dry_run:
        return ImportOutcome(None, [], results)
    await anyio.to_thread.run_sync(store.adopt, path, sha256)
    # On failure the blob stays: another upload of the same bytes may be committing a row that
    # points to it. The store sweep removes unreferenced blobs later (see backend/storage.py).
    number = await store_version(enterprise_id, parsed.lists, results, source_name, sha256, actor)
    return ImportOutcome(number, [], results)


async def store_version(
    enterprise_id: int,
    lists: ListSet,
    results: list[CheckResult],
    source_name: str,
    sha256: str,
    actor: Actor | None,
    uploaded_at: dt.datetime | None = None,
) -> int:
    """Store one version and its items; audited unless `actor` is None (demo data)."""
    info = lists.info
    async with write_transaction():
        if engine_type() == "postgres":  # two uploads at once: the second waits, then counts
            await Enterprise.select(Enterprise.id).where(Enterprise.id == enterprise_id).lock_rows()
        last = (
            await ListVersion.select(ListVersion.version_no)
            .where(ListVersion.enterprise == enterprise_id)
            .order_by(ListVersion.version_no, ascending=False)
            .first()
        )
        number = (last["version_no"] if last else 0) + 1
        inserted = await ListVersion.insert(
            ListVersion(
                enterprise=enterprise_id,
                version_no=number,
                natural_key=f"{enterprise_id}:{number}",
                approved_by=info.approved_by,
                approved_on=info.approved_on,
                effective_from=info.effective_from,
                has_overseas=info.has_overseas,
                source_sha256=sha256,
                source_name=source_name,
                uploaded_by=actor.id if actor else None,
                uploaded_at=uploaded_at or timeutil.now(),
                risk_count=len(lists.risks),
                post_count=len(lists.positions),
                node_count=len(lists.processes),
                checks=serialize_checks(results),
                worst=checks.worst(results).value,
            )
        ).returning(ListVersion.id)
        version_id = inserted[0]["id"]
        await _insert_items(version_id, lists)
        if actor is None:
            return number
        await record(
            AuditAction.LISTS_IMPORT,
            actor,
            entity="list_version",
            entity_id=version_id,
            enterprise_id=enterprise_id,
            changes={
                "version": number,
                "file": source_name,
                "risks": len(lists.risks),
                "posts": len(lists.positions),
                "nodes": len(lists.processes),
                "result": checks.worst(results).label,
            },
        )
    return number


# Piccolo builds each row's SQL from a Table instance, which costs more than the whole
# validation for a 2,000-row workbook; one multi-row INSERT per chunk of plain values is ~10×
# cheaper. Every column is given explicitly; ≤ 4,000 parameters per statement on both engines.
_PARAMS = 4000


def _sql(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


async def _bulk(table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    one = "(" + ", ".join("{}" for _ in names) + ")"
    per = max(1, _PARAMS // len(names))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        await table.raw(
            f'INSERT INTO "{table._meta.tablename}" ({columns}) VALUES '
            + ", ".join(one for _ in chunk),
            *(_sql(row[name]) for row in chunk for name in names),
        )


async def _insert_items(version_id: int, lists: ListSet) -> None:
    await _bulk(
        ListRisk,
        [
            dict(
                version=version_id, row_no=r.row, seq=r.seq, focus_domain=r.domain,
                activity=r.activity, risk_point=r.risk_point, description=r.description,
                basis=r.basis, consequences=list(r.consequences), likelihood=r.likelihood,
                impact=r.impact, risk_level=r.level.value, measures=r.measures,
                response_plan=r.plan, dept=r.dept, post_name=r.position, key_link=r.link,
                needs_alert=r.alert, scope_text=r.scope, updated_on=r.updated_on,
            )
            for r in lists.risks
        ],
    )  # fmt: skip
    await _bulk(
        ListPost,
        [
            dict(
                version=version_id, row_no=p.row, seq=p.seq, dept=p.dept, post_name=p.position,
                category=p.category, duties=p.duties, domains=list(p.domains),
                risk_refs=list(p.risk_refs), compliance_duties=p.compliance_duties,
                red_lines=p.red_lines, basis=p.basis, headcount=p.headcount,
                updated_on=p.updated_on,
            )
            for p in lists.positions
        ],
    )  # fmt: skip
    await _bulk(
        ListNode,
        [
            dict(
                version=version_id, row_no=n.row, seq=n.seq, key_link=n.link,
                process_name=n.process, node=n.node, key_matter=n.key_matter,
                risk_refs=list(n.risk_refs), controls=n.controls,
                review_required=n.review_required,
                review_matter=n.review_matter.value if n.review_matter else "",
                owner_dept=n.owner_dept, exec_dept=n.exec_dept, supervise_dept=n.supervise_dept,
                output_text=n.output, in_system=n.in_system, updated_on=n.updated_on,
            )
            for n in lists.processes
        ],
    )  # fmt: skip
    await _bulk(
        ListExemption,
        [
            dict(version=version_id, row_no=e.row, focus_domain=e.domain, reason=e.reason)
            for e in lists.exemptions
        ],
    )
