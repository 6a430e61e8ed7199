"""三张清单 in the browser: an enterprise downloads the template, uploads a filled workbook,
sees every error by sheet, row and column, then the checks; with a failing check A3 is refused,
with only warnings it is submitted; the reviewer sees the checks beside the files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from backend.rules.lists.columns import COLUMNS
from backend.rules.lists.model import Sheet
from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS
from tests.lists_workbook import good_rows, workbook

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def context_for(playwright, live_server: str, username: str):  # type: ignore[no-untyped-def]
    from backend.domain.demo.accounts import DEMO_PASSWORD

    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    context = browser.new_context(base_url=live_server, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return browser, page, errors


def csrf(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'"X-CSRFToken": "(\w+)"', page.locator("body").get_attribute("hx-headers"))
    assert found
    return found.group(1)


def test_template_upload_checks_a3_and_review(live_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        reviewer_browser, reviewer, _ = context_for(playwright, live_server, "reviewer")
        ent_browser, page, errors = context_for(playwright, live_server, "qiye_user")

        # The demo group of qiye_user has no lists yet, and its A3 was approved: reopen it.
        page.goto("/lists")
        expect(page.locator("nav.sidebar a.active")).to_have_text("三张清单")
        expect(page.locator("body")).to_contain_text("尚未导入三张清单")
        enterprise = page.locator("input[name=enterprise_id]").get_attribute("value")
        obligations = reviewer.request.get("/api/v1/obligations?page_size=200").json()["items"]
        a3 = next(o["id"] for o in obligations if o["code"] == "A3")
        reviewer.goto(f"/reviews/cells/{enterprise}/{a3}")
        reviewer.on("dialog", lambda d: d.accept())
        reviewer.fill("textarea[name=comment][required]", "请按三张清单模板导入后重新报送")
        reviewer.get_by_role("button", name="重新打开").click()
        expect(reviewer.locator("body")).to_contain_text("已重新打开")

        # Download the template and fill it under its own headers.
        with page.expect_download() as download:
            page.click("#download-template")
        template = tmp_path / "模板.xlsx"
        download.value.save_as(template)
        book = CalamineWorkbook.from_filelike(io.BytesIO(template.read_bytes()))
        risk_header = book.get_sheet_by_name(Sheet.RISK.label).to_python()[0]
        assert [h.rstrip("*") for h in risk_header] == [c.header for c in COLUMNS[Sheet.RISK]]

        rows = good_rows()
        rows[Sheet.RISK][2]["likelihood"] = 8
        bad = tmp_path / "有错误.xlsx"
        bad.write_bytes(workbook(rows))
        page.set_input_files("#lists-file", str(bad))
        page.click("#lists-check")
        expect(page.locator("#lists-errors")).to_contain_text("违规风险清单")
        expect(page.locator("#lists-errors tbody tr")).to_have_count(1)
        expect(page.locator("#lists-errors")).to_contain_text("第 4 行")
        expect(page.locator("#lists-errors")).to_contain_text("发生可能性")

        rows[Sheet.RISK] = [r for r in good_rows()[Sheet.RISK] if r["domain"] != "投资管理"]
        gap = tmp_path / "缺领域.xlsx"
        gap.write_bytes(workbook(rows))
        page.set_input_files("#lists-file", str(gap))
        page.click("#lists-save")
        expect(page.locator("#lists-saved")).to_contain_text("已保存为第 1 版")
        expect(page.locator("#lists-result")).to_contain_text("投资管理")

        form = {"enterprise_id": enterprise, "obligation_id": str(a3), "not_secret": "1"}
        upload = {"name": "三张清单.pdf", "mimeType": "application/pdf", "buffer": PDF}
        headers = {"X-CSRFToken": csrf(page)}
        refused = page.request.post(
            "/api/v1/submissions", multipart={**form, "files": upload}, headers=headers
        )
        assert refused.status == 400 and "不通过" in refused.json()["detail"]

        good = tmp_path / "三张清单.xlsx"
        good.write_bytes(workbook())
        page.set_input_files("#lists-file", str(good))
        page.click("#lists-save")
        expect(page.locator("#lists-saved")).to_contain_text("已保存为第 2 版")
        expect(page.locator("#lists-result")).to_contain_text("可以报送 A3")
        sent = page.request.post(
            "/api/v1/submissions", multipart={**form, "files": upload}, headers=headers
        )
        assert sent.status == 201, sent.text()
        page.goto("/lists")
        expect(page.locator("body")).to_contain_text("第 2 版")

        reviewer.goto(f"/reviews/cells/{enterprise}/{a3}")
        expect(reviewer.locator("#lists-panel")).to_contain_text("最新第 2 版")
        expect(reviewer.locator("#lists-panel")).to_contain_text("重点领域覆盖")
        expect(reviewer.locator("body")).to_contain_text("三张清单.pdf")
        assert errors == []
        ent_browser.close()
        reviewer_browser.close()
