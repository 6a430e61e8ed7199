"""A person opens the board, narrows it with filters, and opens a cell's history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def visible_group_rows(page) -> list[str]:
    return page.locator(
        "#board-table tbody tr.group-upg, #board-table tbody tr.group-t1"
    ).all_inner_texts()


def test_filters_swap_the_board_in_place(page) -> None:
    page.goto("/board?as_of=2024-12-31")
    assert page.locator("h1.page-title").inner_text().startswith("进度看板")
    before = visible_group_rows(page)
    assert len(before) == 30  # the demo's 30 groups, 7 of them under upgraded management

    page.evaluate("window.__marker = 'still here'")  # survives only if there is no full reload
    page.select_option("select[name=group]", "UPG7")
    expect(page.locator("#board-table tbody tr.group-t1")).to_have_count(0)
    after = visible_group_rows(page)
    assert len(after) == 7
    assert page.evaluate("window.__marker") == "still here"
    assert re.search(r"group=UPG7", page.url), page.url  # the URL keeps the filters

    page.fill("#board-q", "稀土")
    expect(page.locator("#board-table tbody tr.group-upg")).to_have_count(1)
    assert "稀土" in visible_group_rows(page)[0]
    assert page.console_errors == []


def test_as_of_date_and_cell_history(page) -> None:
    page.goto("/board?as_of=2023-05-10")
    assert page.locator(".legend strong").inner_text() == "2023年5月10日"
    # The notice is dated 2023-05-10: nothing can be overdue yet, P1 is due 05-22.
    assert page.locator("#board-table td.st-overdue").count() == 0
    assert page.locator("#board-table td.st-not_due").count() > 0
    page.fill("input[name=as_of]", "2024-12-31")
    page.locator("input[name=as_of]").dispatch_event("change")
    expect(page.locator(".legend strong")).to_have_text("2024年12月31日")
    page.locator("#board-table td.st-approved").first.click()
    panel = page.locator("#side-panel")
    panel.get_by_text("报送与审核记录").wait_for()
    assert "审核通过" in panel.inner_text()
    page.keyboard.press("Escape")
    assert panel.inner_text() == ""
    assert page.console_errors == []


def test_subsidiaries_fold_under_their_group(page) -> None:
    page.goto("/board?as_of=2024-12-31")
    first_toggle = page.locator("button.toggle").first
    group_id = first_toggle.get_attribute("data-toggle-group")
    subs = page.locator(f'tr.sub[data-group="{group_id}"]')
    assert subs.count() > 0
    assert not subs.first.is_visible()
    first_toggle.click()
    assert subs.first.is_visible()


def test_back_button_restores_the_filters_with_the_board(page) -> None:
    page.goto("/board?as_of=2024-12-31")
    page.select_option("select[name=group]", "UPG7")
    expect(page.locator("#board-table tbody tr.group-t1")).to_have_count(0)
    page.locator("#board-table td.st-approved").first.click()
    page.locator("#side-panel").get_by_text("报送与审核记录").wait_for()
    page.select_option("select[name=year]", "2024")
    expect(page.locator("#board-table thead th.phase")).to_have_count(1)
    assert (
        page.locator("#side-panel").inner_text() == ""
    )  # a stale panel would contradict the board
    page.go_back()
    expect(page.locator("#board-table thead th.phase")).to_have_count(3)
    assert page.locator("select[name=group]").input_value() == "UPG7"
    assert page.locator("select[name=year]").input_value() == ""
    assert page.console_errors == []
