"""Filled workbooks of the three lists for tests and benchmarks: rows as dicts by column key,
written under the template's headers."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from backend.rules.lists.columns import COLUMNS, INFO_FIELDS
from backend.rules.lists.model import ReviewMatter, Sheet

DOMAINS = [
    "公司治理", "市场交易", "合同管理", "商业伙伴", "财务税收", "债务管理", "投资管理", "工程建设",
    "知识产权", "租赁性资产", "信息安全", "劳动用工", "安全环保", "产品质量", "礼品与商务接待",
    "社会捐赠与赞助",
]  # fmt: skip
INFO = {"审定机构": "合规委员会", "审定日期": "2023-12-20", "施行日期": "2023-12-25",
        "是否有境外业务": "否"}  # fmt: skip


def good_rows(extra_risks: int = 0) -> dict[Sheet, list[dict[str, Any]]]:
    """Lists that pass every check (no overseas business): one risk per domain, plus extras."""
    risks = [
        {"seq": i + 1, "domain": DOMAINS[i % 16], "activity": f"业务事项{i + 1}",
         "risk_point": f"风险点{i + 1}", "consequences": "经济损失、声誉损失", "likelihood": 3,
         "impact": 5 if i % 3 == 0 else 2, "measures": "集体决策并经合规审查", "dept": "法务合规部",
         "link": "经营决策", "alert": "是", "updated_on": "2023-12-25"}
        for i in range(16 + extra_risks)
    ]  # fmt: skip
    positions = [
        {"seq": 1, "dept": "法务合规部", "position": "总法律顾问", "category": "决策管理人员",
         "domains": "公司治理、合同管理", "risk_refs": "1、3", "compliance_duties": "组织合规审查"},
        {"seq": 2, "dept": "法务合规部", "position": "合规管理岗", "category": "重要风险岗位人员",
         "risk_refs": "2", "compliance_duties": "审查合同", "headcount": 2},
    ]  # fmt: skip
    links = ("制度制定", "经营决策", "生产运营管理", "经营决策")
    processes = [
        {"seq": i + 1, "link": links[i], "process": f"流程{i + 1}", "node": "合规审查",
         "risk_refs": str(i + 1), "controls": "出具审查意见", "review_required": "是",
         "review_matter": matter.label, "owner_dept": "法务合规部"}
        for i, matter in enumerate(ReviewMatter)
    ]  # fmt: skip
    return {Sheet.RISK: risks, Sheet.POSITION: positions, Sheet.PROCESS: processes,
            Sheet.EXEMPT: []}  # fmt: skip


def workbook(
    rows: dict[Sheet, list[dict[str, Any]]] | None = None,
    info: dict[str, str] | None = None,
    *,
    drop_sheets: tuple[Sheet, ...] = (),
) -> bytes:
    rows = good_rows() if rows is None else rows
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(Sheet.INFO.label)
    sheet.write_row(0, 0, ("项目", "内容"))
    for n, field_ in enumerate(INFO_FIELDS, start=1):
        sheet.write_row(
            n, 0, (field_.header, (INFO if info is None else info).get(field_.header, ""))
        )
    for kind, columns in COLUMNS.items():
        if kind in drop_sheets:
            continue
        sheet = book.add_worksheet(kind.label)
        sheet.write_row(0, 0, [c.header + ("*" if c.required else "") for c in columns])
        for n, row in enumerate(rows.get(kind, []), start=1):
            sheet.write_row(n, 0, [row.get(c.key, "") for c in columns])
    book.close()
    return out.getvalue()
