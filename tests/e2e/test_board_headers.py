"""On a desktop screen the board's columns carry their short titles under the codes, the legend
is on screen (not in a tooltip), and the status filter's counts follow the date."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_titles_under_codes_and_the_legend_on_screen(page) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto("/board?as_of=2024-12-31")
    for code, title in (("P1", "实施方案"), ("A6", "自查报告"), ("R3", "立改废计划")):
        header = page.locator(f"#board-table thead th[data-code={code}]").first
        code_box = header.locator(".col-code").bounding_box()
        title_box = header.locator(".col-title").bounding_box()
        expect(header.locator(".col-title")).to_have_text(title)
        assert code_box is not None and title_box is not None
        assert title_box["y"] >= code_box["y"] + code_box["height"] - 1  # under the code
        assert title_box["width"] <= header.bounding_box()["width"]  # inside its column

    items = page.locator(".legend .legend-item")
    expect(items).to_have_count(8)
    for i in range(8):
        expect(items.nth(i)).to_be_visible()
    overdue = page.locator(".legend .legend-item[data-status=overdue]")
    legend_text = overdue.inner_text().strip()
    assert re.fullmatch(r"逾期\s+逾期未报\s+\d+ 户", legend_text), legend_text
    # The word in the legend looks like the word in the cells: same word, same colours.
    legend_chip = overdue.locator(".st")
    cell = page.locator("#board-table td.st-overdue").first
    assert legend_chip.inner_text() == cell.inner_text() == "逾期"
    style = """e => { const s = getComputedStyle(e);
                      return [s.color, s.backgroundColor, s.backgroundImage]; }"""
    assert legend_chip.evaluate(style) == cell.evaluate(style)

    option = page.locator("select[name=status] option[value=overdue]")
    assert re.fullmatch(r"逾期未报（\d+ 户）", option.inner_text()), option.inner_text()
    assert option.inner_text() != "逾期未报（0 户）"
    page.fill("input[name=as_of]", "2023-05-10")  # nothing is overdue before the first deadline
    page.locator("input[name=as_of]").dispatch_event("change")
    expect(page.locator(".legend strong")).to_have_text("2023年5月10日")
    expect(option).to_have_text("逾期未报（0 户）")
    expect(overdue).to_contain_text("0 户")
    assert page.console_errors == []
