"""A reviewer's first sign-in with the second factor required: scan (here: read) the secret,
confirm a code, see the ten recovery codes once, land on the board; no CSP or script error."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, serve

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mfa_server() -> Iterator[str]:
    yield from serve(HEGUI_REQUIRE_MFA="1")


def test_enrolment_in_the_browser(mfa_server: str) -> None:
    from playwright.sync_api import sync_playwright

    from backend.domain.demo.accounts import DEMO_PASSWORD

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        context = browser.new_context(
            base_url=mfa_server, locale="zh-CN", viewport={"width": 390, "height": 844}
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.goto("/login?next=/board")
        page.fill("input[name=username]", "reviewer")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/login/mfa**")
        expect(page.locator("h1.page-title")).to_have_text("绑定动态口令")
        qr = page.locator(".qr svg")
        expect(qr).to_be_visible()
        assert qr.bounding_box()["width"] <= 390  # fits a phone screen
        secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
        page.goto("/board")  # half signed in: sent back to the second step
        page.wait_for_url("**/login/mfa")
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("button.primary")
        expect(page.locator("h1.page-title")).to_have_text("动态口令已绑定")
        expect(page.locator(".recovery-codes li")).to_have_count(10)
        page.click("text=我已保存，继续")
        page.wait_for_url("**/dashboard**")  # the 工作台 comes first after sign-in
        assert errors == []
        browser.close()
