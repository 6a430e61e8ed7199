"""Pages: the board, its htmx fragment, the cell side panel, the roster and an enterprise page."""

from __future__ import annotations

import re

import httpx

HTMX = {"HX-Request": "true", "HX-Target": "board"}


async def test_board_page_is_chinese_and_complete(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    response = await staff.get("/board", params={"as_of": "2024-01-31"})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html
    assert "进度看板" in html and "包国资发〔2023〕120号" in html
    assert "2024年1月31日" in html
    assert "提级管理示例集团（示例）" in html
    assert 'class="st st-approved"' in html and 'class="st st-overdue"' in html
    assert "htmx-2.0.11.min.js" in html


async def test_board_filter_returns_only_the_fragment(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    response = await staff.get("/board", params={"q": "孙公司"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "示例孙公司乙（示例）" in response.text
    assert "提级管理示例集团（示例）" not in response.text


async def test_bad_filter_on_the_page_explains_itself(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    response = await staff.get("/board", params={"as_of": "2023/12/01"}, headers=HTMX)
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.text and "<html" not in response.text


async def test_cell_panel_shows_versions_and_reviews(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    body = (await staff.get("/api/v1/obligations", params={"page_size": 100})).json()
    a5 = next(o["id"] for o in body["items"] if o["code"] == "A5")
    response = await staff.get(
        "/board/cell",
        params={"enterprise_id": roster["G2"], "obligation_id": a5, "as_of": "2024-01-31"},
    )
    assert response.status_code == 200
    html = response.text
    assert "由所属集团" in html  # a subsidiary's 全级次 cell shows its group's record
    assert "报送第 1 版" in html and "退回修改" in html and "材料不全" in html
    assert "当日为休息日，最后一个工作日为 2023年12月29日" in html


async def test_cell_panel_for_a_cell_that_does_not_exist_is_404(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    body = (await staff.get("/api/v1/obligations", params={"page_size": 100})).json()
    a1b = next(o["id"] for o in body["items"] if o["code"] == "A1b")  # UPG7 only
    response = await staff.get(
        "/board/cell", params={"enterprise_id": roster["G"], "obligation_id": a1b}
    )
    assert response.status_code == 404
    assert "未找到" in response.text


async def test_enterprise_pages(staff: httpx.AsyncClient, roster: dict[str, int]) -> None:
    listing = await staff.get("/enterprises", params={"q": "示例子公司"})
    assert listing.status_code == 200 and "示例子公司甲（示例）" in listing.text
    assert listing.text.count('<td class="seq">') == 1  # only the matching enterprise
    detail = await staff.get(f"/enterprises/{roster['G']}", params={"as_of": "2024-01-31"})
    assert detail.status_code == 200
    assert "时间线" in detail.text and "逾期未报" in detail.text
    assert "示例子公司甲（示例）" in detail.text  # its subsidiaries are listed
    missing = await staff.get("/enterprises/999999")
    assert missing.status_code == 404 and "未找到该企业" in missing.text


async def test_security_headers_and_no_caching(staff: httpx.AsyncClient, programme: int) -> None:
    response = await staff.get("/board")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


async def test_anonymous_visitors_are_sent_to_the_login_page(
    client: httpx.AsyncClient, programme: int
) -> None:
    page = await client.get("/board?year=2024", follow_redirects=False)
    assert page.status_code == 302
    assert page.headers["location"] == "/login?next=/board%3Fyear%3D2024"
    fragment = await client.get("/board", headers=HTMX, follow_redirects=False)
    assert fragment.headers["hx-redirect"].startswith("/login")
    api = await client.get("/api/v1/board")
    assert api.status_code == 401 and api.json()["detail"] == "请先登录。"


async def test_enterprise_timeline_grouped_by_year_with_links(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    from tests import factories as f
    from tests.fixtures import at

    a6 = await f.obligation_id("A6")
    await f.submit(roster["G"], a6, at(2024, 3, 1))
    html = (await staff.get(f"/enterprises/{roster['G']}", params={"as_of": "2024-12-31"})).text
    assert html.index('class="timeline-year">2024年') < html.index('class="timeline-year">2023年')
    # events newest first inside their year; each links to its page
    year_2023 = html[html.index('class="timeline-year">2023年') :]
    assert year_2023.index("A5（2023年度） 第 1 版退回修改") < year_2023.index(
        "P1（2023年度） 报送第 1 版"
    )
    assert re.search(
        r'<a href="/reviews/\d+" title="打开审核页面">A5（2023年度） 第 1 版退回修改</a>', html
    )
    # without the right to review, the task's record opens in the side panel (and its row)
    await staff.get("/logout")
    from tests.fixtures import sign_in

    assert (await sign_in(staff, "leader")).status_code == 303
    html = (await staff.get(f"/enterprises/{roster['G']}", params={"as_of": "2024-12-31"})).text
    assert "/reviews/" not in html
    link = re.search(
        r'<a href="#o-(\d+)" hx-get="/board/cell\?enterprise_id=\d+&amp;obligation_id=(\d+)', html
    )
    assert link is not None and link.group(1) == link.group(2) and f'id="o-{link.group(1)}"' in html
