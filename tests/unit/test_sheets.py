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

from backend.domain.exports.sheets import build_assessment, build_board_sheet
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
