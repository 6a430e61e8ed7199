"""The coverage view as an xlsx sheet: enterprises × 17 domains, gaps in red, 不适用 in grey."""

from __future__ import annotations

import io

import xlsxwriter

from backend.domain.lists.schemas import CoverageOut
from backend.rules.cohorts import Cohort
from backend.rules.lists.checks import Result


def coverage_workbook(data: CoverageOut) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("重点领域覆盖")
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    gap = book.add_format({"bg_color": "#FDE6E6", "font_color": "#A31515", "bold": True})
    na = book.add_format({"font_color": "#8A929C", "italic": True})
    headers = ["序号", "企业名称", "类别", "清单版本", "检查结果", *data.domains, "缺口数"]
    sheet.write_row(0, 0, headers, head)
    sheet.set_column(1, 1, 36)
    sheet.set_column(5, 4 + len(data.domains), 6)
    sheet.freeze_panes(1, 2)
    for n, row in enumerate(data.items, start=1):
        sheet.write(n, 0, n)
        sheet.write(n, 1, row.enterprise_name)
        sheet.write(n, 2, Cohort(row.cohort).label)
        sheet.write(n, 3, f"第 {row.version} 版" if row.version else "未导入")
        sheet.write(n, 4, Result.label_of(row.result, "—"))
        for col, domain in enumerate(data.domains, start=5):
            if domain in row.not_applicable:
                sheet.write(n, col, "不适用", na)
            elif domain in row.gaps:
                sheet.write(n, col, "缺", gap)
            else:
                sheet.write_number(n, col, row.counts.get(domain, 0))
        sheet.write_number(n, 5 + len(data.domains), len(row.gaps))
    book.close()
    return out.getvalue()
