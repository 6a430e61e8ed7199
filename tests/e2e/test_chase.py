"""A reviewer chases (催报) a late cell from the board: a preview names the recipients, a
confirmation sends it, the cell's history shows it; the enterprise then finds it highlighted in
its workspace (also at 390 px) and in 消息."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.e2e

MESSAGE = "请于本周五前报送（浏览器测试）。"


def _browser_page(playwright, live_server: str, username: str, landing: str):
    from backend.domain.demo.accounts import DEMO_PASSWORD

    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # the first page depends on the role
    page.goto(f"/{landing}")
    return browser, page, errors


def test_chase_from_the_board_reaches_the_enterprise(live_server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        ent_browser, ent, ent_errors = _browser_page(
            playwright, live_server, "qiye_user", "workspace"
        )
        group = ent.locator("h1.page-title .muted").inner_text().split(" · ")[0].strip()
        assert group

        browser, page, errors = _browser_page(playwright, live_server, "reviewer", "board")
        page.goto(f"/board?group=T1&q={quote(group)}")  # a typed filter swaps the board later
        row = page.locator("#board-table tbody tr.group-t1").first
        expect(row).to_contain_text(group)
        late = row.locator("td.st-overdue, td.st-returned").first
        obligation = late.get_attribute("data-o")
        late.click()
        panel = page.locator("#side-panel")
        expect(panel.locator("#chase-cell")).to_contain_text("催报")
        before = re.search(r"已催报 (\d+) 次", panel.locator("#chase-cell").inner_text())
        times = (int(before.group(1)) if before else 0) + 1  # the demo chased some already
        panel.get_by_role("button", name="催报…").click()
        preview = panel.locator("#chase-preview-cell")
        expect(preview).to_contain_text("发送给")
        expect(preview.locator("#chase-recipients")).to_contain_text("企业填报人员（演示）")
        preview.locator("textarea[name=message]").fill(MESSAGE)
        page.once("dialog", lambda dialog: dialog.accept())
        preview.get_by_role("button", name="发送催报").click()
        expect(panel.locator("#chase-sent")).to_contain_text("催报已发送")

        late.click()  # reopen: the history and the summary include it
        expect(panel.locator("#chase-cell")).to_contain_text(f"已催报 {times} 次")
        expect(panel.locator(".timeline")).to_contain_text(MESSAGE)

        # the board's filter: the preview lists whom a chase would reach, nothing sent yet
        page.locator("#chase-board").click()
        expect(page.locator("#chase-preview-board #chase-recipients")).to_contain_text(group)
        assert errors == []
        browser.close()

        ent.reload()
        chase = ent.locator(f"#item-{obligation} .ws-chase")
        expect(chase).to_contain_text(f"已催报 {times} 次")
        expect(chase).to_contain_text(MESSAGE)
        ent.set_viewport_size({"width": 390, "height": 844})
        chase.scroll_into_view_if_needed()
        box = chase.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        ent.goto("/notifications")
        expect(ent.locator("body")).to_contain_text("【催报】")
        assert ent_errors == []
        ent_browser.close()
