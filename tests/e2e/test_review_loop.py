"""The loop the product exists for, in a real browser: an enterprise uploads, a reviewer returns
it with a reason, the enterprise sees the reason and resubmits, the reviewer approves, and the
board shows the cell as approved (已通过 or 逾期通过)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def signed_in(browser, base_url: str, username: str):
    from backend.domain.demo.accounts import DEMO_PASSWORD

    context = browser.new_context(base_url=base_url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept())  # data-confirm prompts
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def upload(page, obligation: str, path: Path) -> None:
    page.goto("/workspace")
    page.locator(f'[data-upload="{obligation}"]').first.click()
    page.set_input_files("#upload-files", str(path))
    page.check("#upload-not-secret")
    page.click("#upload-submit")
    expect(page.locator("#upload-message")).to_contain_text("报送成功")
    expect(page.locator(f"#item-{obligation}")).to_have_attribute("data-status", "submitted")


def open_review(page, enterprise_id: int, obligation: str) -> None:
    """The board's cell link: it leads to that cell's submission, whatever the queue holds."""
    page.goto(f"/reviews/cells/{enterprise_id}/{obligation}")
    page.wait_for_url(re.compile(r"/reviews/\d+$"))


def test_upload_return_resubmit_approve(live_server: str, tmp_path: Path) -> None:
    first, second = tmp_path / "自查报告.pdf", tmp_path / "自查报告（修改稿）.pdf"
    first.write_bytes(PDF)
    second.write_bytes(PDF + b"% revised\n")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        enterprise = signed_in(browser, live_server, "qiye_admin")
        enterprise.goto("/workspace")  # sign-in lands on the 工作台
        reviewer = signed_in(browser, live_server, "reviewer")
        group = enterprise.locator(".topbar .user").inner_text().split("·")[-1].split("）")[0]
        group = group.strip().replace("（示例", "")

        enterprise.goto("/workspace")  # sign-in lands on the 工作台
        target = enterprise.locator(
            "#workspace-open li.ws-item:not([data-status=submitted]) [data-upload]"
        ).first
        obligation = target.get_attribute("data-upload")
        listing = reviewer.request.get("/api/v1/enterprises", params={"q": group, "group": "UPG7"})
        group_id = listing.json()["items"][0]["id"]
        upload(enterprise, obligation, first)

        open_review(reviewer, group_id, obligation)
        reviewer.check("input[name=decision][value=return]")
        reviewer.check("input[name=reasons][value=not_sealed]")
        reviewer.fill("textarea[name=comment]", "请加盖公章后重新报送")
        reviewer.click("button[name=action][value=release]")
        expect(reviewer.locator("body")).to_contain_text("退回")

        enterprise.goto("/workspace")
        item = enterprise.locator(f"#item-{obligation}")
        expect(item).to_have_attribute("data-status", "returned")
        expect(item).to_contain_text("请加盖公章后重新报送")
        upload(enterprise, obligation, second)

        open_review(reviewer, group_id, obligation)
        expect(reviewer.locator("body")).to_contain_text("第 2 版")
        reviewer.check("input[name=decision][value=approve]")
        reviewer.check("input[name=grade][value=good]")
        reviewer.click("button[name=action][value=release]")

        reviewer.goto(f"/board?q={group}")
        cell = reviewer.locator(f'#board-table td[data-o="{obligation}"]').first
        expect(cell).to_have_text(re.compile("^(通过|逾期通过)$"))
        enterprise.goto("/notifications")
        expect(enterprise.locator("table.grid")).to_contain_text("退回")
        for page in (enterprise, reviewer):
            assert page.console_errors == [], page.console_errors
        browser.close()
