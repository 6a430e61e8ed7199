"""The xlsx builders, from hand-made data: print set-up, repeated rows, frozen panes, colours,
and user text kept as text (never a formula)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from backend.domain.exports.board_sheet import build_board_sheet
from backend.domain.exports.sheets import build_assessment
from backend.lib.timeutil import TZ
from backend.rules.cell_status import CellState, Status
from backend.rules.scoring import Line, ScoreOut


def line(code: str, points: float, counted: bool = True) -> Line:
    return Line(
        1,
        code,
        f"任务{code}",
        dt.date(2024, 6, 30),
        None,
        0,
        1.0,
        "",
        "good",
        1.0,
        "",
        10.0,
        points,
        counted,
        False,
    )


def score(total: float, grade: str, lines: tuple[Line, ...]) -> ScoreOut:
    return ScoreOut(
        2024,
        total,
        grade,
        60.0,
        15.0,
        12.0,
        2.0,
        1.0,
        total / 10,
        lines,
        (("制度建设", "良", 4.0),),
        ("暂计：部分任务尚未审核",),
        True,
    )


@dataclass
class Scored:
    enterprise: Any
    result: ScoreOut
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    locked: bool = False


def enterprise(eid: int, name: str, cohort: str = "T1") -> SimpleNamespace:
    return SimpleNamespace(id=eid, name=name, credit_code=f"91150200MA0{eid:07d}", cohort=cohort)


def sheet_xml(path: Path, n: int = 1) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


def shared_strings(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return (
            z.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in z.namelist()
            else ""
        )


def workbook_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/workbook.xml").decode()


def check_print_setup(xml: str) -> None:
    setup = re.search(r"<pageSetup [^>]*/>", xml)
    assert setup, xml[:500]
    assert 'orientation="landscape"' in setup.group(0)
    assert 'paperSize="9"' in setup.group(0)
    assert 'fitToHeight="0"' in setup.group(0)
    assert "<pane " in xml and 'state="frozen"' in xml
    assert "&amp;P" in xml and "&amp;N" in xml  # page numbers in the footer


def test_assessment_workbook(tmp_path: Path) -> None:
    scores = [
        Scored(
            enterprise(1, "包头钢铁（集团）示例有限公司"),
            score(91.5, "优", (line("P1", 8.5), line("A4", 0, counted=False))),
        ),
        Scored(
            enterprise(2, '=HYPERLINK("http://evil","点我")', "UPG7"),
            score(72.0, "合格", (line("P1", 5.0),)),
            [
                {
                    "amount": -2,
                    "reason": "=1+1 迟报整改",
                    "by": "reviewer",
                    "at": dt.datetime(2024, 12, 1, 2, 30, tzinfo=dt.UTC),
                },
                {"amount": 1.5, "reason": "@SUM(A1) 表彰", "by": "admin", "at": None},
            ],
            locked=True,
        ),
    ]
    seen: list[tuple[int, int]] = []
    out = tmp_path / "考核评分表.xlsx"
    rows = build_assessment(
        out,
        title="2024年度市属国有企业合规管理工作考核评分表",
        doc_no="包国资发〔2023〕12号",
        year=2024,
        as_of=dt.date(2024, 12, 31),
        scores=scores,
        on_row=lambda i, n: seen.append((i, n)),
    )
    assert rows == 2 and seen == [(1, 2), (2, 2)]
    main, adjustments, strings = sheet_xml(out, 1), sheet_xml(out, 2), shared_strings(out)
    for xml in (main, adjustments):
        check_print_setup(xml)
        assert "<f>" not in xml  # no formula anywhere: user text stays text
    assert "_xlnm.Print_Titles" in workbook_xml(out)
    assert "考核评分表!$4:$4" in workbook_xml(out)
    assert 'topLeftCell="C5"' in main  # frozen below the header, right of the name
    for text in (
        "包国资发〔2023〕12号",
        "2024年12月31日",
        "包头钢铁（集团）示例有限公司",
        "=1+1 迟报整改",
        "@SUM(A1) 表彰",
        "制表人",
        "审核人",
        "已锁定",
        "不计",
        '=HYPERLINK("http://evil","点我")',
        "宋体",
    ):
        assert text in strings + main + adjustments, text
    # constant-memory strings are inline: the reason is a string cell, not a formula
    assert re.search(r'<c r="D5"[^>]*t="inlineStr"><is><t[^>]*>=1\+1 迟报整改</t>', adjustments)
    with zipfile.ZipFile(out) as z:
        styles = z.read("xl/styles.xml").decode()
    assert "宋体" in styles and "黑体" in styles


def test_adjustment_time_is_shanghai_local(tmp_path: Path) -> None:
    moment = dt.datetime(2024, 12, 1, 2, 30, tzinfo=dt.UTC)
    s = Scored(
        enterprise(1, "甲"),
        score(80, "良", ()),
        [{"amount": 1, "reason": "r", "by": "b", "at": moment}],
    )
    out = tmp_path / "a.xlsx"
    build_assessment(out, title="t", doc_no="", year=2024, as_of=dt.date(2024, 12, 31), scores=[s])
    local = moment.astimezone(TZ).replace(tzinfo=None)
    serial = (local - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    assert f"<v>{serial:.6f}"[:12] in sheet_xml(out, 2)  # 10:30 in Shanghai, not 02:30


def test_board_workbook_colours_cells_by_status(tmp_path: Path) -> None:
    statuses = [Status.NOT_DUE, Status.DUE_SOON, Status.SUBMITTED, Status.OVERDUE, Status.APPROVED]
    columns = [SimpleNamespace(id=i, code=f"C{i}", title=f"节点{i}") for i in range(len(statuses))]
    due = dt.date(2024, 6, 30)
    rows = [
        SimpleNamespace(
            enterprise=enterprise(1, "=cmd|' /C calc'!A0"),
            cells={i: SimpleNamespace(state=CellState(s, due)) for i, s in enumerate(statuses)},
        ),
        SimpleNamespace(enterprise=enterprise(2, "乙公司", "SUB"), cells={}),
    ]
    board = SimpleNamespace(
        columns=columns,
        rows=rows,
        programme={"title": "合规管理强化年工作方案", "doc_no": "包国资发〔2023〕12号"},
        query=SimpleNamespace(as_of=dt.date(2024, 7, 1), year=2024),
    )
    out = tmp_path / "进度台账.xlsx"
    assert build_board_sheet(out, board=board) == 2
    xml, strings = sheet_xml(out), shared_strings(out)
    check_print_setup(xml)
    assert "<f>" not in xml
    assert "_xlnm.Print_Titles" in workbook_xml(out)
    for word in ("未到期", "临期", "待审", "逾期", "通过", "=cmd|' /C calc'!A0", "图例"):
        assert word in strings + xml, word
    with zipfile.ZipFile(out) as z:
        styles = z.read("xl/styles.xml").decode()
    for colour in ("FFE7E6E6", "FFDDEBF7", "FFFFF2CC", "FFFFC7CE", "FFC6EFCE"):
        assert colour in styles, colour


def read_rows(path: Path, name: str) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def assessment_two(tmp_path: Path) -> Path:
    scores = [
        Scored(
            enterprise(1, "甲公司"), score(90.0, "优秀", (line("P1", 8.0), line("A4", 0, False)))
        ),
        Scored(enterprise(2, "乙公司"), score(70.0, "合格", (line("P1", 6.0),))),
    ]
    out = tmp_path / "a.xlsx"
    build_assessment(
        out,
        title="2025年度市属国有企业合规管理工作考核评分表",
        doc_no="",
        year=2025,
        as_of=dt.date(2025, 12, 31),
        scores=scores,
    )
    return out


def test_assessment_print_header_keeps_the_year(tmp_path: Path) -> None:
    xml = sheet_xml(assessment_two(tmp_path))
    header = re.search(r"<oddHeader>(.*?)</oddHeader>", xml)
    assert header, xml[:300]
    # a font-size code directly followed by the year's digits would swallow them
    assert not re.search(r"&amp;\d+2025", header.group(1)), header.group(1)
    assert "2025年度市属国有企业" in header.group(1)


def test_assessment_numeric_columns_hold_numbers_filter_and_average(tmp_path: Path) -> None:
    out = assessment_two(tmp_path)
    rows = read_rows(out, "考核评分表")
    head = rows[3]
    numeric = [i for i, h in enumerate(head) if "得分" in h or h in ("加分", "扣分", "总分")]
    assert numeric
    body = rows[4:7]
    for r in body:
        for i in numeric:
            assert r[i] == "" or isinstance(r[i], float), (head[i], r[i])
    a4 = head.index("A4\n得分")
    assert body[0][a4] == ""
    notes = body[0][head.index("说明")]
    assert "A4" in notes and "不计" in notes
    assert "。；" not in notes and notes.endswith("。") and "。。" not in notes
    average = body[2]
    assert average[1].startswith("平均")
    assert average[head.index("总分")] == 80.0
    assert average[head.index("P1\n得分")] == 7.0
    assert '<autoFilter ref="A4:' in sheet_xml(out)


def board_of(year: int | None) -> SimpleNamespace:
    columns = [
        SimpleNamespace(id=i, code=code, title="报告", due_year=y)
        for i, (code, y) in enumerate((("R1", 2024), ("R2", 2024), ("R1", 2025)))
    ]
    due = dt.date(2024, 6, 30)
    rows = [
        SimpleNamespace(
            enterprise=enterprise(1, "甲公司"),
            cells={
                0: SimpleNamespace(state=CellState(Status.APPROVED, due)),
                1: SimpleNamespace(state=CellState(Status.OVERDUE, due)),
                2: SimpleNamespace(state=CellState(Status.NOT_DUE, due)),
            },
        ),
        SimpleNamespace(
            enterprise=enterprise(2, "乙公司"),
            cells={0: SimpleNamespace(state=CellState(Status.APPROVED_LATE, due))},
        ),
    ]
    return SimpleNamespace(
        columns=columns,
        rows=rows,
        programme={"title": "方案", "doc_no": ""},
        query=SimpleNamespace(as_of=dt.date(2024, 7, 1), year=year),
    )


def test_board_all_years_has_year_row_credit_code_and_totals(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    assert build_board_sheet(out, board=board_of(None)) == 2
    rows = read_rows(out, "进度台账")
    years, head = rows[3], rows[4]
    assert "统一社会信用代码" in head
    r1_2024, r1_2025 = head.index("R1 报告"), len(head) - 1 - head[::-1].index("R1 报告")
    assert years[r1_2024] == "2024年度" and years[r1_2025] == "2025年度"
    assert rows[5][head.index("统一社会信用代码")] == "91150200MA00000001"
    total = rows[7]
    assert total[1].startswith("合计")
    assert total[r1_2024] == "2/2" and total[r1_2025] == "0/1"
    assert "进度台账!$4:$5" in workbook_xml(out)  # both header rows repeat on every page
