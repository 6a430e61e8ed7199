"""On a phone (390×844): the top bar and menu collapse behind a menu button, no page scrolls
sideways, the board scrolls inside its own box with a narrow name column that covers no cell,
and an enterprise can upload a file from the workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The page's main column takes the phone's whole width and does not scroll sideways inside.
CONTENT = """() => { const c = document.getElementById('content');
                     const r = c.getBoundingClientRect();
                     return [r.left, r.width, c.scrollWidth - c.clientWidth]; }"""


@pytest.fixture
def phone(live_server: str) -> Iterator[Callable[[str], object]]:
    """Opens a phone-sized, touch browser page signed in as the given demo account."""
    from playwright.sync_api import sync_playwright

    from backend.domain.demo.accounts import DEMO_PASSWORD

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )

        def open_as(username: str) -> object:
            context = browser.new_context(
                base_url=live_server,
                locale="zh-CN",
                viewport=PHONE,
                is_mobile=True,
                has_touch=True,
                device_scale_factor=2,
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.console_errors = errors  # type: ignore[attr-defined]
            page.goto("/login")
            assert page.evaluate(OVERFLOW) <= 0, "the sign-in page scrolls sideways"
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            return page

        yield open_as
        browser.close()


def no_page_overflow(page, path: str) -> None:
    page.goto(path)
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    excess = page.evaluate(OVERFLOW)
    if excess > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(el => !el.closest('.board-wrap, .table-wrap, table'))
                .slice(0, 5).map(el => el.tagName + '.' + el.className)"""
        )
        raise AssertionError(f"{path} is {excess}px wider than the phone: {wide}")
    left, width, inner_excess = page.evaluate(CONTENT)
    assert left == 0 and width == PHONE["width"], f"{path}: the menu takes width ({left}, {width})"
    assert inner_excess <= 0, f"{path}: the content scrolls sideways by {inner_excess}px"


def test_menu_button_opens_and_closes_the_menu(phone) -> None:
    page = phone("reviewer")
    page.goto("/board")
    nav = page.locator("nav.sidebar")
    button = page.locator("[data-menu-toggle]")
    expect(button).to_be_visible()
    expect(nav).to_be_hidden()  # the menu does not take the phone's width away from the page
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(nav).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    link = nav.get_by_role("link", name="审核队列")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44, box  # large enough to tap
    expect(page.locator(".topbar .user")).to_be_visible()  # 消息, 修改密码, 退出 are reachable
    assert page.evaluate(OVERFLOW) <= 0
    button.click()
    expect(nav).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    link.click()
    page.wait_for_url("**/reviews**")
    expect(page.locator("nav.sidebar")).to_be_hidden()  # a new page starts with the menu closed
    assert page.console_errors == []


def test_no_page_scrolls_sideways_on_a_phone(phone) -> None:
    reviewer = phone("reviewer")
    for path in (
        "/dashboard",
        "/board",
        "/board?as_of=2024-12-31&status=overdue",
        "/reviews",
        "/scores",
        "/exports",
        "/enterprises",
        "/lists/coverage",
        "/notifications",
        "/account/password",
        "/account/tokens",
    ):
        no_page_overflow(reviewer, path)
    admin = phone("admin")
    for path in ("/admin/users", "/admin/enterprises"):
        no_page_overflow(admin, path)
    auditor = phone("auditor")
    no_page_overflow(auditor, "/audit")
    enterprise = phone("qiye_admin")
    for path in ("/dashboard", "/workspace", "/lists", "/board", "/notifications"):
        no_page_overflow(enterprise, path)


def test_board_cells_are_readable_beside_the_name_column(phone) -> None:
    page = phone("reviewer")
    page.goto("/board?as_of=2024-12-31")
    wrap = page.locator(".board-wrap")
    wrap_box = wrap.bounding_box()
    assert wrap_box is not None and wrap_box["width"] <= PHONE["width"]
    name = page.locator("#board-table tbody tr.group-t1 td:first-child").first
    cell = page.locator("#board-table tbody tr.group-t1 td.st").first
    cell.scroll_into_view_if_needed()
    assert wrap.evaluate("el => el.scrollLeft") == 0
    name_box = name.bounding_box()
    assert name_box is not None and name_box["width"] <= PHONE["width"] * 0.4, name_box
    cell_box = cell.bounding_box()
    assert cell_box is not None and cell_box["x"] >= name_box["x"] + name_box["width"] - 1
    assert cell_box["x"] + cell_box["width"] <= PHONE["width"]  # the first cells show at once
    # Nothing lies over the cell: the element at its centre is the cell itself.
    centre = page.evaluate(
        """([x, y]) => { const el = document.elementFromPoint(x, y);
                         return el && el.closest('td') && el.closest('td').className; }""",
        [cell_box["x"] + cell_box["width"] / 2, cell_box["y"] + cell_box["height"] / 2],
    )
    assert centre is not None and "st" in centre.split(), centre
    # The grid scrolls inside its box, the page does not; the name column stays in view.
    wrap.evaluate("el => el.scrollLeft = 400")
    assert wrap.evaluate("el => el.scrollLeft") > 0
    assert page.evaluate(OVERFLOW) <= 0
    after = name.bounding_box()
    assert after is not None and abs(after["x"] - name_box["x"]) < 1
    wrap.evaluate("el => el.scrollLeft = 0")
    cell.click()
    expect(page.locator("#side-panel")).to_contain_text("报送与审核记录")
    panel = page.locator("#side-panel").bounding_box()
    assert panel is not None and panel["width"] <= PHONE["width"]
    assert page.console_errors == []


def test_upload_from_the_workspace_on_a_phone(phone, tmp_path: Path) -> None:
    # Another group than the other browser tests' enterprise, and a new version of an item that
    # already waits for review where there is one, so their demo items stay as they expect.
    page = phone("qiye_user")
    page.wait_for_url("**/dashboard**")  # the 工作台 comes first after sign-in
    page.goto("/workspace")
    waiting = page.locator("#workspace-open li.ws-item[data-status=submitted] [data-upload]")
    a3 = page.locator(".ws-code", has_text="A3")
    other = page.locator("#workspace-open li.ws-item").filter(has_not=a3).locator("[data-upload]")
    button = (waiting if waiting.count() else other).first
    obligation = button.get_attribute("data-upload")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44, box
    button.click()
    dialog = page.locator("#upload-dialog")
    expect(dialog).to_be_visible()
    dialog_box = dialog.bounding_box()
    assert dialog_box is not None and dialog_box["x"] >= 0
    assert dialog_box["x"] + dialog_box["width"] <= PHONE["width"]
    # One column: the document number and date stack rather than sit side by side.
    doc_no = page.locator("#upload-form input[name=doc_no]").bounding_box()
    doc_on = page.locator("#upload-form input[name=doc_on]").bounding_box()
    assert doc_no is not None and doc_on is not None
    assert doc_on["y"] > doc_no["y"] + doc_no["height"]
    report = tmp_path / "合规管理工作报告.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#upload-files", str(report))
    expect(page.locator("#upload-file-list li")).to_have_count(1)
    page.check("#upload-not-secret")
    submit = page.locator("#upload-submit")
    submit_box = submit.bounding_box()
    assert submit_box is not None and submit_box["height"] >= 44
    submit.click()
    expect(page.locator("#upload-message")).to_contain_text("报送成功")
    expect(page.locator(f"#item-{obligation}")).to_have_attribute("data-status", "submitted")
    assert page.evaluate(OVERFLOW) <= 0
    assert page.console_errors == []
