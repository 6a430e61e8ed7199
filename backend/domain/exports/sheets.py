"""Pure xlsx builders (no database): the 考核评分表 here, the 进度台账 in ``board_sheet``.

Workbooks are written in xlsxwriter's constant-memory mode, strictly row by row. Every text
that came from a user (names, reasons, titles) goes through ``write_string``: a value such as
``=HYPERLINK(...)`` stays text and never becomes a formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from backend.lib.timeutil import TZ
from backend.rules.cell_status import Status
from backend.rules.cohorts import Cohort
from backend.rules.scoring import ScoreOut

OnRow = Callable[[int, int], None]
BODY_FONT = "宋体"  # SimSun
TITLE_FONT = "黑体"  # SimHei
CELL_LIMIT = 32_767  # characters Excel keeps in one cell
STATUS_FILL: dict[str, tuple[str, str]] = {  # (background, font colour)
    Status.NOT_DUE: ("#E7E6E6", "#595959"),
    Status.DUE_SOON: ("#DDEBF7", "#1F4E79"),
    Status.SUBMITTED: ("#FFF2CC", "#7F6000"),
    Status.RETURNED: ("#FFF2CC", "#7F6000"),
    Status.OVERDUE: ("#FFC7CE", "#9C0006"),
    Status.APPROVED: ("#C6EFCE", "#006100"),
    Status.APPROVED_LATE: ("#C6EFCE", "#006100"),
    Status.EXEMPT: ("#FFFFFF", "#808080"),
}
SCORE_PARTS = (
    ("履职报送得分", "obligations_points"),
    ("整改得分", "rectification_points"),
    ("成效得分", "effectiveness_points"),
    ("加分", "bonus"),
    ("扣分", "deduction"),
    ("总分", "total"),
)


class ScoredEnterprise(Protocol):
    """What ``build_assessment`` needs of ``backend.domain.scores.service.EnterpriseScore``."""

    enterprise: Any  # EnterpriseRow: name, credit_code, cohort
    result: ScoreOut
    adjustments: list[dict[str, Any]]  # {"amount", "reason", "by", "at"}
    locked: bool


def text(value: Any) -> str:
    return ("" if value is None else str(value))[:CELL_LIMIT]


def cn_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Styles:
    """The formats of one workbook (fonts by name: 宋体 for the body, 黑体 for titles)."""

    def __init__(self, book: Workbook) -> None:
        body = {"font_name": BODY_FONT, "font_size": 10, "valign": "vcenter"}
        self.book, self.body_props = book, body
        self.title = book.add_format({**body, "font_name": TITLE_FONT, "font_size": 16,
                                      "bold": True, "align": "center"})  # fmt: skip
        self.subtitle = book.add_format({**body, "align": "center"})
        self.header = book.add_format({**body, "font_name": TITLE_FONT, "bold": True,
                                       "bg_color": "#D9E1F2", "border": 1, "align": "center",
                                       "text_wrap": True})  # fmt: skip
        self.cell = book.add_format({**body, "border": 1})
        self.wrap = book.add_format({**body, "border": 1, "text_wrap": True})
        self.center = book.add_format({**body, "border": 1, "align": "center"})
        self.number = book.add_format({**body, "border": 1, "num_format": "0.00"})
        self.when = book.add_format({**body, "border": 1, "num_format": "yyyy-mm-dd hh:mm"})
        self.plain = book.add_format(body)
        total = {**body, "border": 1, "bold": True, "bg_color": "#F2F2F2"}
        self.total = book.add_format(total)
        self.total_number = book.add_format({**total, "num_format": "0.00"})

    def status(self, status: str) -> Format:
        bg, fg = STATUS_FILL.get(status, ("#FFFFFF", "#000000"))
        key = f"_st_{status}"
        if not hasattr(self, key):
            props = {**self.body_props, "border": 1, "align": "center"}
            setattr(self, key, self.book.add_format({**props, "bg_color": bg, "font_color": fg}))
        fmt: Format = getattr(self, key)
        return fmt


def open_book(path: Path | str) -> tuple[Workbook, Styles]:
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "remove_timezone": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            # xlsxwriter's own temporaries go beside the output in the store's .incoming/, so
            # that the store sweep removes them too if the process is killed mid-export.
            "tmpdir": str(Path(path).parent),
        },
    )
    return book, Styles(book)


def print_header(title: str) -> str:
    """The centred page header. The font-size code comes before the font name: written after
    it, ``&9`` would run into a title starting with digits (``&92024年度`` is size 92024 and the
    year vanishes from the print)."""
    return f'&C&9&"{BODY_FONT},常规"{title.replace("&", "&&")[:200]}'


def notes_text(notes: Sequence[str]) -> str:
    """Notes joined once with "；" and ended with one "。" (each note ends with its own 。)."""
    parts = [n.strip().rstrip("。；;，, ") for n in notes]
    kept = list(dict.fromkeys(p for p in parts if p))
    return "；".join(kept) + "。" if kept else ""


def page_setup(
    sheet: Worksheet, header_row: int, freeze_col: int, title: str, first_row: int | None = None
) -> None:
    """A4 landscape, one page wide, header rows repeated, page numbers in the footer."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row if first_row is None else first_row, header_row)
    sheet.freeze_panes(header_row + 1, freeze_col)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header(print_header(title))
    sheet.set_footer(f'&C&"{BODY_FONT},常规"&9第 &P 页 / 共 &N 页')


def title_rows(sheet: Worksheet, st: Styles, last_col: int, title: str, subtitle: str) -> None:
    sheet.set_row(0, 28)
    sheet.merge_range(0, 0, 0, last_col, "", st.title)
    sheet.write_string(0, 0, text(title), st.title)
    sheet.merge_range(1, 0, 1, last_col, "", st.subtitle)
    sheet.write_string(1, 0, text(subtitle), st.subtitle)


def signature_block(sheet: Worksheet, st: Styles, row: int) -> int:
    """制表人 / 审核人 / 日期, two rows below the last one; returns the next free row."""
    row += 1
    for col, label in ((1, "制表人：______________"), (4, "审核人：______________"),
                       (7, "日期：______年____月____日")):  # fmt: skip
        sheet.write_string(row, col, label, st.plain)
    return row + 1


def average_row(sheet: Worksheet, st: Styles, r: int, n: int, sums: dict[int, list[float]]) -> None:
    """平均 row under the data: each numeric column's mean over the enterprises that have a
    number there (values, not formulas: the workbook holds no formula at all)."""
    sheet.write_blank(r, 0, None, st.total)
    sheet.write_string(r, 1, f"平均（{n} 家）", st.total)
    for col, values in sums.items():
        sheet.write_number(r, col, round(sum(values) / len(values), 2), st.total_number)


def _adjustment_time(value: Any) -> dt.datetime | None:
    if isinstance(value, str) and value:
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ) if value.tzinfo else value
    return None


def build_assessment(
    path: Path | str,
    *,
    title: str,
    doc_no: str,
    year: int,
    as_of: dt.date,
    scores: Sequence[ScoredEnterprise],
    on_row: OnRow | None = None,
) -> int:
    """考核评分表: one row per enterprise (parts, total, grade, assessment points), then a
    signature block; a second sheet lists every adjustment with its reason. Returns the rows."""
    book, st = open_book(path)
    sheet = book.add_worksheet("考核评分表")
    codes = sorted({ln.code for s in scores for ln in s.result.lines})
    head = ["序号", "企业名称", "统一社会信用代码", "类别"] + [f"{c}\n得分" for c in codes]
    head += [label for label, _ in SCORE_PARTS] + ["等级", "考核得分", "状态", "说明"]
    widths = [6, 34, 21, 12] + [7] * len(codes) + [9] * len(SCORE_PARTS) + [7, 9, 8, 40]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    last = len(head) - 1
    basis = f"依据：{doc_no}" if doc_no else "依据：（未填写文号）"
    title_rows(sheet, st, last, title, f"{basis}　　考核年度：{year}年　　截至：{cn_day(as_of)}")
    header_row = 3
    page_setup(sheet, header_row, 2, title)
    sheet.set_row(header_row, 30)
    for col, name in enumerate(head):
        sheet.write_string(header_row, col, name, st.header)
    n = len(scores)
    sums: dict[int, list[float]] = {}  # column → the numbers written in it, for the average row

    def number(r: int, col: int, value: float) -> None:
        sheet.write_number(r, col, value, st.number)
        sums.setdefault(col, []).append(value)

    for i, item in enumerate(scores, start=1):
        r, e, res = header_row + i, item.enterprise, item.result
        sheet.write_number(r, 0, i, st.center)
        sheet.write_string(r, 1, text(e.name), st.cell)
        sheet.write_string(r, 2, text(e.credit_code), st.cell)
        sheet.write_string(r, 3, Cohort.label_of(e.cohort, "—"), st.center)
        points = {ln.code: ln for ln in res.lines}
        uncounted: list[str] = []
        # Score columns hold numbers or nothing (text would break sums and filters); why a
        # cell is empty is said in 说明.
        for col, code in enumerate(codes, start=4):
            line = points.get(code)
            if line is not None and line.counted:
                number(r, col, float(line.points))
            else:
                sheet.write_blank(r, col, None, st.number)
                if line is not None:
                    uncounted.append(code)
        col = 4 + len(codes)
        for offset, (_, attr) in enumerate(SCORE_PARTS):
            number(r, col + offset, float(getattr(res, attr)))
        col += len(SCORE_PARTS)
        sheet.write_string(r, col, text(res.grade), st.center)
        number(r, col + 1, float(res.assessment_points))
        state = "已锁定" if item.locked else ("暂计" if res.provisional else "")
        sheet.write_string(r, col + 2, state, st.center)
        notes = list(res.notes)
        if uncounted:
            notes.append(f"{'、'.join(uncounted)} 不计分（空白）")
        sheet.write_string(r, col + 3, text(notes_text(notes)), st.wrap)
        if on_row:
            on_row(i, n)
    if n:
        sheet.autofilter(header_row, 0, header_row + n, last)
        average_row(sheet, st, header_row + n + 1, n, sums)
        n_rows = n + 1
    else:
        n_rows = n
    signature_block(sheet, st, header_row + n_rows + 1)
    _adjustments_sheet(book, st, title, scores)
    _rectification_sheet(book, st, title, scores)
    book.close()
    return n


def _rectification_sheet(
    book: Workbook, st: Styles, title: str, scores: Sequence[ScoredEnterprise]
) -> None:
    """整改得分明细: each finding's share of the rectification part, line by line."""
    sheet = book.add_worksheet("整改得分明细")
    head = ("序号", "企业名称", "问题", "问题等级", "权重", "整改时限", "整改状态", "系数", "说明",
            "得分")  # fmt: skip
    for col, width in enumerate((6, 30, 40, 8, 6, 12, 12, 6, 36, 8)):
        sheet.set_column(col, col, width)
    subtitle = "整改得分 = 20 × Σ（权重 × 系数）÷ Σ 权重；本年度无整改事项的企业按满分计"
    title_rows(sheet, st, len(head) - 1, f"{title}——整改得分明细", subtitle)
    page_setup(sheet, 3, 2, title)
    for col, name in enumerate(head):
        sheet.write_string(3, col, name, st.header)
    r = 3
    for item in scores:
        for line in item.result.rectification:
            r += 1
            sheet.write_number(r, 0, r - 3, st.center)
            sheet.write_string(r, 1, text(item.enterprise.name), st.cell)
            sheet.write_string(r, 2, text(line.title), st.wrap)
            sheet.write_string(r, 3, text(line.severity), st.center)
            sheet.write_number(r, 4, float(line.weight), st.number)
            sheet.write_string(r, 5, cn_day(line.deadline), st.cell)
            sheet.write_string(r, 6, line.status.label, st.center)
            sheet.write_number(r, 7, float(line.factor), st.number)
            sheet.write_string(r, 8, text(line.note), st.wrap)
            sheet.write_number(r, 9, round(float(line.points), 2), st.number)
    if r == 3:
        sheet.write_string(4, 1, "（本年度无整改事项）", st.plain)
        r = 4
    signature_block(sheet, st, r + 1)


def _adjustments_sheet(
    book: Workbook, st: Styles, title: str, scores: Sequence[ScoredEnterprise]
) -> None:
    sheet = book.add_worksheet("加减分明细")
    head = ("序号", "企业名称", "分值", "事由", "调整人", "调整时间")
    for col, width in enumerate((6, 34, 8, 60, 12, 17)):
        sheet.set_column(col, col, width)
    title_rows(sheet, st, len(head) - 1, f"{title}——加减分明细", "正数为加分，负数为扣分")
    page_setup(sheet, 3, 2, title)
    for col, name in enumerate(head):
        sheet.write_string(3, col, name, st.header)
    r = 3
    for item in scores:
        for adj in item.adjustments:
            r += 1
            sheet.write_number(r, 0, r - 3, st.center)
            sheet.write_string(r, 1, text(item.enterprise.name), st.cell)
            sheet.write_number(r, 2, float(adj.get("amount") or 0), st.number)
            sheet.write_string(r, 3, text(adj.get("reason")), st.wrap)
            sheet.write_string(r, 4, text(adj.get("by")), st.cell)
            moment = _adjustment_time(adj.get("at"))
            if moment is None:
                sheet.write_string(r, 5, text(adj.get("at")), st.cell)
            else:
                sheet.write_datetime(r, 5, moment, st.when)
    if r == 3:
        sheet.write_string(4, 1, "（无加减分记录）", st.plain)
        r = 4
    signature_block(sheet, st, r + 1)
