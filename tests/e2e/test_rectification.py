"""The 整改台账 in a real browser: SASAC (reviewer) records a 督促检查 and raises a finding in it;
the enterprise posts progress with a file and asks for 销号 (at 390 px); SASAC (admin, not the
raiser) closes it; the 台账, the board and the score breakdown show it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.e2e

DESCRIPTION = "合同合规审查记录缺失（浏览器测试）"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _signed_in(playwright, live_server: str, username: str, width: int = 1280):
    from backend.domain.demo.accounts import DEMO_PASSWORD

    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return browser, page, errors


def test_raise_rectify_close_and_see_it_everywhere(live_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(PDF)
    with sync_playwright() as playwright:
        ent_browser, ent, ent_errors = _signed_in(playwright, live_server, "qiye_user", width=390)
        ent.goto("/workspace")
        group = ent.locator("h1.page-title .muted").inner_text().split(" · ")[0].strip()
        assert group

        # SASAC records the inspection and raises the finding in it.
        browser, page, errors = _signed_in(playwright, live_server, "reviewer")
        page.goto("/inspections/new")
        page.select_option("select[name=kind]", label="国资委督促检查")
        page.fill("input[name=name]", "2025年度合规管理督促检查（浏览器测试）")
        page.fill("input[name=started_on]", "2025-11-03")
        page.fill("input[name=ended_on]", "2025-11-07")
        page.locator(".scope-list label", has_text=group).first.locator("input").check()
        page.get_by_role("button", name="登记").click()
        page.wait_for_url(re.compile(r"/inspections/\d+"))
        expect(page.locator(".notice").first).to_contain_text("检查已登记")
        page.get_by_role("link", name="登记发现的问题").click()
        page.select_option("select[name=enterprise_id]", label=group)
        page.select_option("select[name=domain]", label="合同管理")
        page.fill("textarea[name=description]", DESCRIPTION)
        page.select_option("select[name=severity]", label="较重")
        page.select_option("select[name=rectification_type]", label="限期整改")
        page.fill("input[name=owner_name]", "张三")
        page.fill("input[name=deadline]", "2025-12-31")
        page.get_by_role("button", name="登记").click()
        page.wait_for_url(re.compile(r"/findings/\d+"))
        finding_url = page.url.split("?")[0]
        expect(page.locator(".card")).to_contain_text("国资委督促检查")
        # The board's 整改 column for 2025: open and overdue (the deadline has passed), in red.
        page.goto("/board?year=2025")
        expect(page.locator("#board-table td.rect-red").first).to_contain_text("逾期")
        assert errors == []
        browser.close()

        # The enterprise, on a phone: progress with a file, and the 销号 request.
        ent.goto("/workspace")
        ent.get_by_role("link", name=DESCRIPTION).click()
        ent.fill("textarea[name=note]", "已补齐合同审查记录并修订制度")
        ent.set_input_files("input[name=files]", str(evidence))
        ent.check("input[name=ask_close]")
        ent.get_by_role("button", name="报送").click()
        expect(ent.locator(".notice").first).to_contain_text("已申请销号")
        expect(ent.locator(".card")).to_contain_text("逾期")  # asked after the deadline
        expect(ent.locator(".finding-history")).to_contain_text("整改报告.pdf")
        width = ent.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, width  # usable at 390 px: no sideways scrolling of the page
        assert ent_errors == []
        ent_browser.close()

        # Another SASAC user closes it: the raiser may not.
        browser, page, errors = _signed_in(playwright, live_server, "admin")
        page.goto(finding_url)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="核验销号").click()
        expect(page.locator(".notice").first).to_contain_text("已核验销号")
        expect(page.locator(".card")).to_contain_text("已销号")
        page.goto("/findings?year=2025&status=closed")
        expect(page.locator("#ledger")).to_contain_text(DESCRIPTION)
        expect(page.locator("#ledger")).to_contain_text("逾期完成")
        # The score breakdown explains it: closed late, factor 0.5.
        page.goto("/scores?year=2025")
        page.locator("tr", has_text=group).first.get_by_role("link", name="明细").click()
        line = page.locator("tr", has_text=DESCRIPTION[:20])
        expect(line).to_contain_text("逾期完成")
        expect(line).to_contain_text("0.5")
        assert errors == []
        browser.close()
