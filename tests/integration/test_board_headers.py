"""The board's column headers and its status counts over the small hand-made roster: group G
has two subsidiaries (G1, G2) mirroring its returned 全级次 item A5."""

from __future__ import annotations

import json
import re

import httpx

from backend.domain.programmes.loader import expand_obligations
from backend.settings import get_settings

AS_OF = "2024-01-31"


async def test_status_counts_are_enterprises_owing_not_rows(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    params = {"as_of": AS_OF, "status": "returned"}
    body = (await staff.get("/api/v1/board", params=params)).json()
    # Three rows show G's returned A5, but one enterprise owes it: the group.
    assert {r["enterprise"]["id"] for r in body["rows"]} == {
        roster["G"],
        roster["G1"],
        roster["G2"],
    }
    assert body["owing"]["returned"] == 1
    # Whatever the status filter, each status counts over the whole board.
    assert body["owing"]["overdue"] == 2  # U's A5 and G's A6, not G1's and G2's copies
    assert body["owing"]["approved"] == 1  # U's P1
    assert body["owing"]["submitted"] == 1  # G's P1
    assert "due_soon" not in body["owing"]


async def test_the_page_offers_each_status_with_its_enterprise_count(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    page = await staff.get("/board", params={"as_of": AS_OF, "status": "returned"})
    assert page.status_code == 200
    html = page.text
    assert re.search(r'<option value="returned" selected[^>]*>退回待改（1 户）</option>', html)
    assert re.search(r'<option value="overdue" [^>]*>逾期未报（2 户）</option>', html)
    assert "其中 <strong>1</strong> 户企业有“退回待改”事项" in html
    legend = html[html.index('class="legend"') : html.index("</div>", html.index('class="legend"'))]
    for word, label in (("逾期", "逾期未报"), ("待审", "已报送待审"), ("通过", "已通过")):
        assert f">{word}</span>" in legend and label in legend, legend


async def test_each_column_shows_its_short_title_under_the_code(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    body = (await staff.get("/api/v1/board", params={"as_of": AS_OF})).json()
    titles = {o["code"]: o["short_title"] for o in body["obligations"]}
    assert titles["P1"] == "实施方案" and titles["A6"] == "自查报告"
    html = (await staff.get("/board", params={"as_of": AS_OF, "year": "2023"})).text
    header = r'<span class="col-code">P1</span>\s*<span class="col-title">实施方案</span>'
    assert re.search(header, html)
    obligations = (await staff.get("/api/v1/obligations", params={"page_size": 100})).json()
    assert {o["short_title"] for o in obligations["items"] if o["code"] == "A6"} == {"自查报告"}


def test_every_obligation_in_the_programme_file_has_a_short_title() -> None:
    path = get_settings().seed_dir / "programmes" / "bgzf-2023-120.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["obligations"]:
        assert 2 <= len(item["short_title"]) <= 6, item["code"]
    rows = expand_obligations(data)
    assert {r["code"]: r["short_title"] for r in rows}["R3"] == "立改废计划"
