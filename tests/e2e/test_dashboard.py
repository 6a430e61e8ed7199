"""Each 工作台 in a real Chromium: the charts are drawn (ECharts canvases), the tables beside them
carry the same numbers as the JSON, and nothing breaks at 390×844."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.e2e

SIZES = [(1280, 900), (390, 844)]


@pytest.fixture
def browser(live_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


def open_dashboard(browser: Any, live_server: str, username: str, width: int, height: int) -> Any:
    from backend.domain.demo.accounts import DEMO_PASSWORD

    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard**")  # the first page after sign-in
    for section in page.locator("section[data-endpoint]").all():
        expect(section).to_have_attribute("data-loaded", "true")
    return page


def json_of(page: Any, path: str) -> dict[str, Any]:
    response = page.request.get(path)
    assert response.ok, path
    return response.json()


def table_rows(page: Any, figure: str) -> list[list[str]]:
    rows = page.locator(f'figure[data-chart="{figure}"] table tbody tr')
    # text_content: the long tables sit folded in <details>, still read by screen readers
    return [[c.strip() for c in r.locator("th, td").all_text_contents()] for r in rows.all()]


def assert_charts_drawn(page: Any, section: str, width: int) -> None:
    charts = page.locator(f"#desk-{section} .dash-chart")
    assert charts.count() > 0
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        assert box["x"] + box["width"] <= width + 1  # inside the screen, even at 390 px
        canvas = chart.locator("canvas").first
        expect(canvas).to_be_attached()
        canvas_box = canvas.bounding_box()
        assert canvas_box is not None
        assert abs(canvas_box["width"] - box["width"]) <= 2  # drawn at the container's width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_leader_dashboard(browser: Any, live_server: str, width: int, height: int) -> None:
    page = open_dashboard(browser, live_server, "leader", width, height)
    assert page.locator("nav.sidebar a.active").inner_text() == "工作台"
    assert page.locator("section[data-desk]").evaluate_all("s => s.map(x => x.dataset.desk)") == [
        "overview"
    ]
    assert_charts_drawn(page, "overview", width)
    assert page.locator("#desk-overview .dash-chart").count() == 6
    d = json_of(page, page.locator("#desk-overview").get_attribute("data-endpoint"))

    years = table_rows(page, "year")
    assert [r[0] for r in years] == [r["label"] for r in d["by_year"]]
    for row, data in zip(years, d["by_year"], strict=True):
        assert row[1:6] == [str(c["count"]) for c in data["counts"]]
        assert row[6] == str(data["owed"])
    cohorts = table_rows(page, "cohorts")
    assert [r[0] for r in cohorts] == ["提级管理企业", "市属一级企业"]
    assert cohorts[0][1:6] == [str(c["count"]) for c in d["cohorts"][0]["counts"]]
    months = table_rows(page, "ontime")
    assert len(months) == len(d["on_time"]) and months[0][0] == "2023-05"
    assert months[-1][1:3] == [str(d["on_time"][-1]["owed"]), str(d["on_time"][-1]["on_time"])]
    top = table_rows(page, "overdue")
    assert [r[1] for r in top] == [o["name"] for o in d["top_overdue"]]
    assert [r[4] for r in top] == [str(o["days_late"]) for o in d["top_overdue"]]
    grades = table_rows(page, "grades")
    assert [r[1] for r in grades] == [str(g["count"]) for g in d["grades"]["counts"]]

    # A number opens the board behind it, filtered.
    link = page.locator('figure[data-chart="year"] table tbody tr').first.locator("td a").nth(4)
    href = link.get_attribute("href")
    assert "status=overdue" in href and "year=" in href
    link.click()
    page.wait_for_url("**/board?**status=overdue**")
    assert page.locator("select[name=status]").input_value() == "overdue"
    assert page.console_errors == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_reviewer_dashboard(browser: Any, live_server: str, width: int, height: int) -> None:
    page = open_dashboard(browser, live_server, "reviewer", width, height)
    desks = page.locator("section[data-desk]").evaluate_all("s => s.map(x => x.dataset.desk)")
    assert desks == ["review", "overview"]  # own work first, then the programme
    assert_charts_drawn(page, "review", width)
    d = json_of(page, "/api/v1/dashboard/review")
    kpi = page.locator('#desk-review [data-kpi="waiting"] .value')
    assert kpi.inner_text() == str(d["waiting"]) and d["waiting"] > 0
    overdue = page.locator('#desk-review [data-kpi="overdue"]')
    assert overdue.locator(".value").inner_text() == str(d["overdue"])
    assert overdue.get_attribute("href") == "/reviews?min_days=7"
    ages = table_rows(page, "ages")
    assert [r[1] for r in ages] == [str(a["count"]) for a in d["ages"]]
    oldest = page.locator("#desk-review table").nth(1).locator("tbody tr")
    assert oldest.count() == len(d["oldest"])
    overdue.click()
    page.wait_for_url("**/reviews?min_days=7")
    assert page.console_errors == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_enterprise_dashboard(browser: Any, live_server: str, width: int, height: int) -> None:
    page = open_dashboard(browser, live_server, "qiye_admin", width, height)
    desks = page.locator("section[data-desk]").evaluate_all("s => s.map(x => x.dataset.desk)")
    assert desks == ["enterprise"]
    assert_charts_drawn(page, "enterprise", width)
    d = json_of(page, page.locator("#desk-enterprise").get_attribute("data-endpoint"))
    assert page.locator("#desk-enterprise .dash-title").inner_text() == "本集团待办"
    statuses = table_rows(page, "statuses")
    assert [r[1] for r in statuses] == [str(c["count"]) for c in d["counts"]]
    assert page.locator('[data-kpi="overdue"] .value').inner_text() == str(d["overdue"])
    # The demo's 2023 scores are locked (published): the group sees its score and grade.
    assert d["score"] is not None and d["score"]["year"] == 2023
    score = page.locator('[data-kpi="score"]').inner_text()
    assert "2023年度" in score and "已锁定" in score and d["score"]["grade"] in score
    due_rows = page.locator('[data-chart="due"] table').first.locator("tbody tr td")
    if d["due"]:
        assert due_rows.count() == 4 * len(d["due"])
    else:
        assert due_rows.first.inner_text() == "暂无"
    assert "我的报送" in page.locator("nav.sidebar").inner_text()  # the old pages stay
    # Only its own group: the overview answers 403 to an enterprise account.
    assert page.request.get("/api/v1/dashboard/overview").status == 403
    assert page.console_errors == []
