"""通报 files: the circular as a Word document in the plain 公文 layout (GB/T 9704 margins, 文号
line, 黑体 title and headings, 仿宋 body, a table), and the same table as a workbook.

East Asian text takes its font from `w:eastAsia`, not from the Latin font name python-docx
sets, so every run names both; otherwise Word and WPS show the body in their default 宋体."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from backend.domain.chase.circular import Circular
from backend.domain.exports.sheets import (
    OnRow,
    cn_day,
    open_book,
    page_setup,
    signature_block,
    text,
    title_rows,
)

BODY = "仿宋"
HEADING = "黑体"
SENDER = "包头市人民政府国有资产监督管理委员会"
HEAD = ["序号", "节点任务", "截止日期", "企业名称", "状态", "逾期天数（日历日）", "催报次数"]
NOTE = (
    "逾期天数按日历日计算：逾期未报的自截止日期次日起算至通报截至日；退回待改的为首次报送晚于"
    "截止日期的天数（按时报送的为 0）。催报次数为截至通报日国资委通过系统催报的次数。"
)


def title_of(circular: Circular) -> str:
    scope = f"{circular.year}年度" if circular.year else ""
    return f"关于{scope}合规管理工作节点任务逾期未报和退回待改情况的通报"


def rows_of(circular: Circular) -> list[list[str | int]]:
    found: list[list[str | int]] = []
    for g in circular.groups:
        for r in g.rows:
            task = f"{g.code}（{g.year}年）{g.title}"
            found.append(
                [
                    len(found) + 1,
                    task,
                    cn_day(g.due_on),
                    r.enterprise,
                    r.status,
                    r.days_late,
                    r.chases,
                ]
            )
    return found


def _run_font(run: object, name: str, size: float, bold: bool = False) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = name, Pt(size), bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), name)


def _para(
    doc: object,
    words: str,
    *,
    font: str = BODY,
    size: float = 16,
    bold: bool = False,
    align: WD_PARAGRAPH_ALIGNMENT | None = None,
    indent: bool = False,
) -> Paragraph:
    paragraph: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing, fmt.space_after = Pt(28), Pt(0)  # 公文: 28 磅 fixed line spacing
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _run_font(paragraph.add_run(words), font, size, bold)
    return paragraph


def _cell(table: Table, row: int, col: int, words: str, font: str, centred: bool) -> None:
    paragraph = table.cell(row, col).paragraphs[0]
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_font(paragraph.add_run(words), font, 10.5)


def build_circular_docx(
    path: Path | str, *, circular: Circular, on_row: OnRow | None = None
) -> int:
    """The circular as .docx; returns the table rows written."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY)

    centre = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "文号：____________________", align=centre)
    _para(doc, "")
    _para(doc, title_of(circular), font=HEADING, size=22, align=centre)
    _para(doc, "")
    _para(doc, "各市属国有企业：")
    programme = circular.programme
    basis = f"{text(programme.get('doc_no'))}《{text(programme.get('title'))}》"
    overdue, returned = circular.count("逾期未报"), circular.count("退回待改")
    _para(
        doc,
        f"根据{basis}要求，市国资委对各企业节点任务报送情况进行了跟踪督办。截至"
        f"{cn_day(circular.as_of)}，尚有逾期未报 {overdue} 项、退回待改 {returned} 项，"
        f"涉及 {circular.enterprises} 户企业。现将有关情况通报如下。",
        indent=True,
    )
    _para(doc, "一、逾期未报和退回待改情况", font=HEADING, indent=True)
    rows = rows_of(circular)
    if not rows:
        _para(doc, "截至通报日，各企业节点任务均已按要求报送，无逾期未报和退回待改事项。",
              indent=True)  # fmt: skip
    else:
        table = doc.add_table(rows=1 + len(rows), cols=len(HEAD))
        table.style, table.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
        for col, name in enumerate(HEAD):
            _cell(table, 0, col, name, HEADING, True)
        for i, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                _cell(table, i, col, str(value), BODY, col in (0, 2, 4, 5, 6))
            if on_row is not None:
                on_row(i, len(rows))
    _para(doc, NOTE, size=12, indent=True)
    _para(doc, "二、有关要求", font=HEADING, indent=True)
    _para(
        doc,
        "请上述企业高度重视，对照方案要求，于收到本通报之日起 5 个工作日内完成报送或按审核意见"
        "修改后重新报送，并将逾期原因及整改情况一并报市国资委。市国资委将持续跟踪督办，"
        "报送情况纳入年度合规管理工作考核。",
        indent=True,
    )
    _para(doc, "")
    _para(doc, SENDER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_day(circular.as_of), align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(path))
    return len(rows)


def build_circular_sheet(
    path: Path | str, *, circular: Circular, on_row: OnRow | None = None
) -> int:
    """The circular's table as .xlsx (one sheet, the note and a signature block below)."""
    book, st = open_book(path)
    sheet = book.add_worksheet("通报")
    for col, width in enumerate([6, 44, 16, 34, 12, 12, 10]):
        sheet.set_column(col, col, width)
    title = title_of(circular)
    doc_no = text(circular.programme.get("doc_no"))
    title_rows(sheet, st, len(HEAD) - 1, title, f"依据：{doc_no}　　截至：{cn_day(circular.as_of)}")
    page_setup(sheet, 3, 2, title, first_row=3)
    for col, name in enumerate(HEAD):
        sheet.write_string(3, col, name, st.header)
    rows = rows_of(circular)
    r = 4
    for i, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, col, value, st.center)
            else:
                sheet.write_string(r, col, text(value), st.wrap if col in (1, 3) else st.center)
        r += 1
        if on_row is not None:
            on_row(i, len(rows))
    sheet.write_string(r + 1, 0, NOTE, st.plain)
    signature_block(sheet, st, r + 2)
    book.close()
    return len(rows)
