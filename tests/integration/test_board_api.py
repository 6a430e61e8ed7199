"""The board API over a small hand-made roster: cohorts, statuses, filters and as-of replay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from backend.lib.timeutil import TZ


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def cells_by_code(body: dict[str, Any], enterprise_id: int) -> dict[str, dict[str, Any]]:
    codes = {o["id"]: f"{o['code']}-{o['year']}" for o in body["obligations"]}
    row = next(r for r in body["rows"] if r["enterprise"]["id"] == enterprise_id)
    return {codes[c["obligation_id"]]: c for c in row["cells"]}


async def test_rows_have_cells_only_for_their_cohort(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    body = (await staff.get("/api/v1/board", params={"as_of": "2024-01-31"})).json()
    upgraded, group = cells_by_code(body, roster["U"]), cells_by_code(body, roster["G"])
    assert "A1b-2023" in upgraded and "A1a-2023" not in upgraded  # 合规管理组织机构, UPG7 only
    assert "A1a-2023" in group and "A1b-2023" not in group  # 合规管理委员会, first tier only
    # A subsidiary reports nothing itself; only 全级次 duties appear, covered by its group.
    sub = cells_by_code(body, roster["G2"])
    assert set(sub) == {"A5-2023", "C2-2025"}
    assert sub["A5-2023"]["covered_by"] == roster["G"]
    assert sub["A5-2023"]["status"] == "returned"
    assert len(body["obligations"]) == 24
    assert body["rows"][0]["enterprise"]["id"] == roster["U"]  # upgraded groups come first


async def test_statuses_and_days_late(staff: httpx.AsyncClient, roster: dict[str, int]) -> None:
    body = (await staff.get("/api/v1/board", params={"as_of": "2024-01-31"})).json()
    upgraded, group = cells_by_code(body, roster["U"]), cells_by_code(body, roster["G"])
    assert upgraded["P1-2023"]["status"] == "approved"
    assert upgraded["P1-2023"]["days_late"] == 0
    assert upgraded["A4-2023"]["status"] == "exempt"
    assert group["P1-2023"]["status"] == "submitted"
    assert group["P1-2023"]["days_late"] == 2
    assert group["P1-2023"]["submitted_at"].startswith("2023-05-24")
    assert group["A6-2023"] == {
        "obligation_id": group["A6-2023"]["obligation_id"],
        "status": "overdue",
        "due_on": "2023-12-20",
        "submitted_at": None,
        "days_late": 42,
        "covered_by": None,
    }
    assert group["C1-2025"]["status"] == "not_due"


async def test_as_of_replays_the_past(staff: httpx.AsyncClient, roster: dict[str, int]) -> None:
    before = (await staff.get("/api/v1/board", params={"as_of": "2023-05-21"})).json()
    assert cells_by_code(before, roster["G"])["P1-2023"]["status"] == "due_soon"
    assert cells_by_code(before, roster["U"])["P1-2023"]["status"] == "submitted"
    after = (await staff.get("/api/v1/board", params={"as_of": "2023-05-23"})).json()
    assert cells_by_code(after, roster["G"])["P1-2023"]["status"] == "overdue"


async def test_filters(staff: httpx.AsyncClient, roster: dict[str, int]) -> None:
    async def ids(**params: str) -> list[int]:
        body = (await staff.get("/api/v1/board", params={"as_of": "2024-01-31", **params})).json()
        return [r["enterprise"]["id"] for r in body["rows"]]

    assert await ids() == [roster["U"], roster["G"], roster["G1"], roster["G2"]]
    assert await ids(group="UPG7") == [roster["U"]]
    assert await ids(group="sub") == [roster["G1"], roster["G2"]]
    assert await ids(q="孙公司") == [roster["G2"]]
    assert await ids(enterprise_id=str(roster["G1"])) == [roster["G1"], roster["G2"]]
    assert await ids(status="returned") == [roster["G"], roster["G1"], roster["G2"]]
    assert await ids(status="exempt") == [roster["U"]]
    body = (await staff.get("/api/v1/board", params={"year": "2024"})).json()
    assert {o["code"] for o in body["obligations"]} == {"B1", "B2", "B3", "R1", "R2", "R3"}


async def test_search_by_credit_code(staff: httpx.AsyncClient, roster: dict[str, int]) -> None:
    detail = (await staff.get(f"/api/v1/enterprises/{roster['G1']}")).json()
    body = (await staff.get("/api/v1/board", params={"q": detail["credit_code"].lower()})).json()
    assert [r["enterprise"]["id"] for r in body["rows"]] == [roster["G1"]]


async def test_paging_counts_groups(staff: httpx.AsyncClient, roster: dict[str, int]) -> None:
    body = (await staff.get("/api/v1/board", params={"page_size": "1", "page": "2"})).json()
    assert body["total"] == 4 and body["total_groups"] == 2
    assert [r["enterprise"]["id"] for r in body["rows"]] == [
        roster["G"],
        roster["G1"],
        roster["G2"],
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"as_of": "2023/12/01"}, "YYYY-MM-DD"),
        ({"as_of": "2023-02-30"}, "不存在"),
        ({"year": "2030"}, "2023—2025"),
        ({"status": "late"}, "逾期未报（overdue）"),
        ({"group": "X"}, "分组"),
        ({"page": "0"}, "页码"),
        ({"year": "abc"}, "年度"),
    ],
)
async def test_bad_filters_answer_400_in_chinese(
    staff: httpx.AsyncClient, programme: int, params: dict[str, str], message: str
) -> None:
    response = await staff.get("/api/v1/board", params=params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"enterprise_id": "999999"}, "未找到该企业"), ({"programme_id": "99"}, "未找到该工作方案")],
)
async def test_unknown_ids_answer_404(
    staff: httpx.AsyncClient, programme: int, params: dict[str, str], message: str
) -> None:
    response = await staff.get("/api/v1/board", params=params)
    assert response.status_code == 404
    assert message in response.json()["detail"]


async def test_a_page_past_the_end_shows_the_last_page(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    body = (await staff.get("/api/v1/board", params={"page_size": "1", "page": "9"})).json()
    assert body["page"] == 2
    assert body["rows"][0]["enterprise"]["id"] == roster["G"]


async def test_a_deliverable_is_counted_once_however_many_rows_show_it(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    params = {"as_of": "2024-01-31"}
    everyone = (await staff.get("/api/v1/board", params=params)).json()
    a5 = next(o for o in everyone["obligations"] if o["code"] == "A5")
    assert a5["counts"] == {"returned": 1, "overdue": 1}  # G's and U's, not G1's and G2's copies
    subs = (await staff.get("/api/v1/board", params={**params, "group": "SUB"})).json()
    a5 = next(o for o in subs["obligations"] if o["code"] == "A5")
    assert a5["counts"] == {"returned": 1}  # the group's deliverable, counted once
    p1 = next(o for o in subs["obligations"] if o["code"] == "P1")
    assert p1["counts"] == {}


async def test_search_folds_width_and_needs_every_word(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    async def ids(q: str) -> list[int]:
        body = (await staff.get("/api/v1/board", params={"q": q})).json()
        return [r["enterprise"]["id"] for r in body["rows"]]

    assert await ids("孙公司乙(示例)") == [roster["G2"]]  # half-width brackets find （示例）
    assert await ids("示例 孙公司") == [roster["G2"]]
    assert await ids("示例 不存在") == []
