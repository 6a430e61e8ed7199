"""The browsable API page: Swagger UI (vendored, /static) lists every /api/v1 operation under the
unchanged Content-Security-Policy, with no console error and no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.web.middleware import CSP

pytestmark = pytest.mark.e2e

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_api_page_lists_the_operations(page) -> None:
    page.add_init_script(WATCH_CSP)
    response = page.goto("/api-docs")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CSP
    operations = page.locator("#swagger-ui .opblock")
    # The bundle is 1.7 MB of script to parse: allow for a busy machine.
    expect(operations.first).to_be_visible(timeout=30_000)
    paths = page.locator("#swagger-ui .opblock-summary-path").all_inner_texts()
    assert len(paths) >= 12
    for path in ("/api/v1/board", "/api/v1/enterprises", "/api/v1/submissions/{submission_id}"):
        assert any(p.replace("\u200b", "") == path for p in paths), paths

    # An operation opens to show its answer, field by field (from the typed schema).
    board = page.locator("#operations-board-GetBoard")
    board.locator(".opblock-summary-control").click()
    example = board.locator(".responses-inner .example").first
    expect(example).to_contain_text('"obligations"')
    expect(example).to_contain_text('"covered_by"')
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def test_the_menu_links_the_api_page(page) -> None:
    page.goto("/board")
    page.locator("nav.sidebar a[href='/api-docs']").click()
    page.wait_for_url("**/api-docs")
    expect(page.locator("h1.page-title")).to_have_text("API 说明")
