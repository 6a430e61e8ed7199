"""An enterprise administrator opens 我的报送, picks a file, declares it is not a state secret,
uploads it with a progress bar, and sees the item turn to 已报送待审 without a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def ent_page(live_server: str) -> Iterator[object]:
    """Like the `page` fixture, signed in as the demo enterprise administrator."""
    from playwright.sync_api import sync_playwright

    from backend.domain.demo.accounts import DEMO_PASSWORD

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        context = browser.new_context(base_url=live_server, locale="zh-CN")
        context.set_default_timeout(10_000)
        errors: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors  # type: ignore[attr-defined]
        page.goto("/login")
        page.fill("input[name=username]", "qiye_admin")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboard**")  # the 工作台 comes first after sign-in
        page.goto("/workspace")
        yield page
        browser.close()


def test_upload_with_progress_turns_the_item_submitted(ent_page, tmp_path: Path) -> None:
    page = ent_page
    assert page.locator("h1.page-title").inner_text().startswith("我的报送")
    assert page.locator("nav.sidebar a.active").inner_text() == "我的报送"
    summary = page.locator("#workspace-summary").inner_text()
    assert re.search(r"逾期 \d+ 项，退回待改 \d+ 项，临期 \d+ 项", summary), summary

    # Prefer an item not yet submitted (so the change shows); any open item will do otherwise.
    fresh = page.locator("#workspace-open li.ws-item:not([data-status=submitted]) [data-upload]")
    button = (fresh if fresh.count() else page.locator("#workspace-open [data-upload]")).first
    obligation = button.get_attribute("data-upload")
    item = page.locator(f"#item-{obligation}")
    button.click()
    dialog = page.locator("#upload-dialog")
    expect(dialog).to_be_visible()

    report = tmp_path / "合规管理工作报告.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#upload-files", str(report))
    expect(page.locator("#upload-file-list li")).to_have_count(1)
    page.fill("#upload-note", "按通知要求报送")

    page.click("#upload-submit")  # the declaration is still unticked: refused in the page
    expect(page.locator("#upload-message")).to_have_text("请确认所报材料不涉及国家秘密后再报送。")

    page.check("#upload-not-secret")
    page.click("#upload-submit")
    expect(page.locator("#upload-message")).to_contain_text("报送成功")
    expect(page.locator("#upload-progress")).to_have_js_property("value", 100)
    expect(page.locator("#upload-percent")).to_have_text("100%")

    expect(item).to_have_attribute("data-status", "submitted")
    expect(item.locator(".st")).to_have_text("已报送待审")
    page.locator("#upload-dialog .ws-buttons [data-close-dialog]").click()
    expect(dialog).to_be_hidden()
    assert page.console_errors == []


def test_server_refusal_is_shown_in_chinese(ent_page, tmp_path: Path) -> None:
    page = ent_page
    page.locator("#workspace-open button[data-upload]").first.click()
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"MZ\x90\x00" * 64)
    page.set_input_files("#upload-files", str(bad))
    page.check("#upload-not-secret")
    page.click("#upload-submit")
    expect(page.locator("#upload-message")).to_contain_text("改扩展名无效")
    assert [e for e in page.console_errors if "400" not in e] == []
