"""The 整改台账 as a workbook (domain.md §5.2 columns): the rows the export writes, and the
import of a filled workbook, all rows or none, with a Chinese error per row and column (the
roster import's manner). An exported workbook imports back as the same rows."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from backend.db.tables import Enterprise, Inspection
from backend.db.transactions import write_transaction
from backend.domain.errors import Invalid
from backend.domain.rectification.service import NewFinding, check_finding, insert_finding
from backend.domain.shared.enterprises import get_enterprise
from backend.lib.timeutil import cn_date, local_date, now
from backend.rules.credit_code import normalize_credit_code
from backend.rules.rectification.vocabulary import FindingSource, RectificationType, Severity
from backend.security.audit import Actor, AuditAction, record

COLUMNS = (
    "序号", "问题来源", "检查名称及时间", "涉及单位", "问题类别", "问题描述", "问题等级",
    "原因分析", "整改措施", "整改类型", "责任单位/责任人", "整改时限", "整改进展", "整改状态",
    "佐证材料", "建章立制情况", "追责问责情况", "核验人/销号日期", "备注",
)  # fmt: skip
REQUIRED = (
    "问题来源",
    "涉及单位",
    "问题描述",
    "问题等级",
    "整改类型",
    "责任单位/责任人",
    "整改时限",
)
MAX_ROWS = 5000


def _inspection_cell(row: dict[str, Any]) -> str:
    if not row.get("inspection_name"):
        return ""
    return f"{row['inspection_name']}（{row['inspection_on'].isoformat()}）"


def ledger_rows(
    rows: list[dict[str, Any]], history: dict[int, list[dict[str, Any]]]
) -> list[list[str]]:
    """One list of texts per finding, in COLUMNS order."""
    out = []
    for n, r in enumerate(rows, start=1):
        events = history.get(r["id"], [])
        progress = "；".join(
            f"{local_date(e['happened_at']).isoformat()} {e['kind_label']}"
            + (f"：{e['note']}" if e["note"] else "")
            for e in events
            if e["kind"] != "raised"
        )
        files = "、".join(f for e in events for f in e.get("file_names", []))
        closed = f"{r['checker_name']} {cn_date(r['closed_at'])}" if r["closed_at"] else ""
        out.append(
            [
                str(n), r["source_label"], _inspection_cell(r), r["enterprise_name"], r["domain"],
                r["description"], r["severity_label"], r["cause"], r["measures"], r["type_label"],
                f"{r['owner_unit']}/{r['owner_name']}", r["deadline"].isoformat(), progress,
                r["status_label"], files, r["rules_made"], r["accountability"], closed, r["remark"],
            ]
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class LedgerError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行“{self.column}”：{self.message}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_ledger(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(Excel row number, column → text) below the header row of the first sheet."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells: list[list[Any]] = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise Invalid("无法读取文件：请上传 Excel 工作簿（.xlsx）。") from exc
    for at, line in enumerate(cells[:20]):
        names = [_text(c) for c in line]
        if "问题描述" in names and "整改时限" in names:
            where = {name: names.index(name) for name in COLUMNS if name in names}
            missing = [c for c in REQUIRED if c not in where]
            if missing:
                raise Invalid(f"表头缺少列：{'、'.join(missing)}。")
            rows = []
            for number, line in enumerate(cells[at + 1 :], start=at + 2):
                raw = {k: _text(line[i]) if i < len(line) else "" for k, i in where.items()}
                if any(v for k, v in raw.items() if k != "序号"):
                    rows.append((number, raw))
            if len(rows) > MAX_ROWS:
                raise Invalid(f"一次最多导入 {MAX_ROWS} 行。")
            return rows
    raise Invalid(
        "未找到表头：第一张工作表应有“问题描述”“整改时限”等列（可先导出整改台账作为模板）。"
    )


def _by_label(labels: dict[str, str]) -> dict[str, str]:
    return {label: code for code, label in labels.items()}


async def import_ledger(
    data: bytes, *, actor: Actor, scope: int | None, dry_run: bool = False
) -> tuple[int, list[LedgerError]]:
    """Check every row; store all of them in one transaction only if none fails."""
    rows = read_ledger(data)
    if not rows:
        raise Invalid("工作簿中没有数据行。")
    enterprises = await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.credit_code)
    by_name = {e["name"]: e["id"] for e in enterprises}
    by_code = {e["credit_code"]: e["id"] for e in enterprises}
    inspections = await Inspection.select(Inspection.id, Inspection.name, Inspection.started_on)
    inspection_of = {f"{i['name']}（{i['started_on'].isoformat()}）": i["id"] for i in inspections}
    inspection_of.update({i["name"]: i["id"] for i in inspections})
    sources, severities = _by_label(FindingSource.labels()), _by_label(Severity.labels())
    types = _by_label(RectificationType.labels())
    errors: list[LedgerError] = []
    planned: list[dict[str, Any]] = []
    for number, raw in rows:

        def fail(column: str, message: str, number: int = number) -> None:
            errors.append(LedgerError(number, column, message))

        for column in REQUIRED:
            if not raw.get(column):
                fail(column, "不能为空")
        unit = raw.get("涉及单位", "")
        enterprise_id = by_name.get(unit) or by_code.get(normalize_credit_code(unit))
        if unit and (enterprise_id is None or await get_enterprise(enterprise_id, scope) is None):
            fail("涉及单位", f"未找到企业“{unit}”（请填写企业全称或统一社会信用代码）")
            enterprise_id = None
        inspection_id = None
        if raw.get("检查名称及时间"):
            inspection_id = inspection_of.get(raw["检查名称及时间"])
            if inspection_id is None:
                fail("检查名称及时间", f"未找到检查“{raw['检查名称及时间']}”，请先登记该检查")
        source = sources.get(raw.get("问题来源", ""), "")
        if raw.get("问题来源") and not source:
            fail("问题来源", f"应为：{'、'.join(FindingSource.labels().values())}")
        elif scope is not None and source and source != FindingSource.SELF:
            fail("问题来源", "企业只能导入“企业自查”发现的问题")
        severity = severities.get(raw.get("问题等级", ""), "")
        if raw.get("问题等级") and not severity:
            fail("问题等级", "应为：一般、较重、重大")
        kind = types.get(raw.get("整改类型", ""), "")
        if raw.get("整改类型") and not kind:
            fail("整改类型", "应为：立行立改、限期整改、长期坚持")
        deadline = None
        if raw.get("整改时限"):
            try:
                deadline = dt.date.fromisoformat(raw["整改时限"][:10])
            except ValueError:
                fail("整改时限", f"日期“{raw['整改时限']}”无效，请按 YYYY-MM-DD 填写")
        unit_name, _, owner = raw.get("责任单位/责任人", "").rpartition("/")
        if raw.get("责任单位/责任人") and not owner.strip():
            fail("责任单位/责任人", "请按“责任单位/责任人”填写一名责任人，例如“法务部/张三”")
        if errors and errors[-1].row == number:
            continue
        assert enterprise_id is not None and deadline is not None
        new = NewFinding(
            enterprise_id=enterprise_id, description=raw["问题描述"], severity=severity,
            rectification_type=kind, deadline=deadline, source=source,
            inspection_id=inspection_id, domain=raw.get("问题类别", ""),
            cause=raw.get("原因分析", ""), measures=raw.get("整改措施", ""),
            owner_unit=unit_name.strip(), owner_name=owner.strip(),
            rules_made=raw.get("建章立制情况", ""), accountability=raw.get("追责问责情况", ""),
            remark=raw.get("备注", ""),
        )  # fmt: skip
        for message in check_finding(new):
            fail("问题描述" if "描述" in message else "整改类型", message)
        group = next(e for e in enterprises if e["id"] == enterprise_id)
        planned.append({"new": new, "enterprise": group})
    if errors or dry_run:
        return (0 if errors else len(planned)), errors
    moment = now()
    async with write_transaction():
        for item in planned:
            new = item["new"]
            row = await _row(new)
            await insert_finding(row, actor, moment)
        await record(
            AuditAction.FINDING_IMPORT,
            actor,
            entity="finding",
            changes={"rows": len(planned)},
        )
    return len(planned), []


async def _row(new: NewFinding) -> dict[str, Any]:
    enterprise = await get_enterprise(new.enterprise_id)
    assert enterprise is not None
    return {
        "inspection": new.inspection_id,
        "source": new.source,
        "enterprise": enterprise.id,
        "group_id": enterprise.group_id,
        "domain": new.domain.strip()[:40],
        "key_link": new.key_link.strip()[:40],
        "description": new.description.strip()[:4000],
        "severity": new.severity,
        "cause": new.cause.strip()[:4000],
        "measures": new.measures.strip()[:4000],
        "rectification_type": new.rectification_type,
        "owner_unit": new.owner_unit[:100],
        "owner_name": new.owner_name[:50],
        "deadline": new.deadline,
        "rules_made": new.rules_made.strip()[:2000],
        "accountability": new.accountability.strip()[:2000],
        "remark": new.remark.strip()[:2000],
    }
