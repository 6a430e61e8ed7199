"""工作台: each kind of user lands on it, its JSON is right on a small hand-built roster, an
enterprise sees only its own group, and the endpoints use a fixed number of SQL statements."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar
from piccolo.engine import engine_finder

from backend.db import fastread
from backend.db.tables import Programme, Review, ScoreLock
from backend.domain.dashboard.desks import enterprise_desk, review_desk
from backend.domain.dashboard.service import overview
from backend.lib.timeutil import local_date, today
from tests import factories as f
from tests.conftest import client_for
from tests.fixtures import at, sign_in

AS_OF = "2024-01-10"


async def signed(app: Litestar, username: str) -> httpx.AsyncClient:
    client = client_for(app)
    response = await sign_in(client, username)
    assert response.status_code == 303, username
    return client


@pytest.fixture
async def clients(
    app: Litestar, tenant_accounts: dict[str, int]
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    found = {
        name: await signed(app, name)
        for name in ("admin", "reviewer", "leader", "auditor", "ent_g", "ent_u")
    }
    yield found
    for client in found.values():
        await client.aclose()


def by_status(counts: list[dict[str, Any]]) -> dict[str, int]:
    return {c["status"]: c["count"] for c in counts}


async def test_sign_in_lands_on_the_dashboard_for_everyone_with_one(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    for name in ("admin", "reviewer", "leader", "ent_g"):
        home = await clients[name].get("/", follow_redirects=False)
        assert home.headers["location"] == "/dashboard", name
    assert (await clients["auditor"].get("/", follow_redirects=False)).headers[
        "location"
    ] == "/audit"
    # Each kind of user gets its panels, asked of the policy; the old pages stay in the menu.
    panels = {
        "leader": ["overview"],
        "reviewer": ["review", "overview"],
        "admin": ["review", "overview"],
        "ent_g": ["enterprise"],
    }
    for name, expected in panels.items():
        page = await clients[name].get("/dashboard")
        assert page.status_code == 200, name
        shown = [d for d in ("review", "enterprise", "overview") if f'data-desk="{d}"' in page.text]
        assert shown == expected, name
        assert 'href="/dashboard"' in page.text and 'href="/board"' in page.text
        assert "/static/vendor/echarts/echarts.min.js" in page.text
        assert "<script>" not in page.text  # no inline script: the CSP forbids it
    assert (await clients["auditor"].get("/dashboard")).status_code == 403


async def test_overview_numbers_on_the_small_roster(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int]
) -> None:
    response = await clients["leader"].get(f"/api/v1/dashboard/overview?as_of={AS_OF}")
    assert response.status_code == 200, response.text
    d = response.json()
    assert d["as_of"] == AS_OF and d["enterprises"] == 2  # U and G; subsidiaries report nothing
    assert [s["code"] for s in d["statuses"]] == [
        "approved",
        "approved_late",
        "submitted",
        "returned",
        "overdue",
    ]
    year = {r["key"]: r for r in d["by_year"]}
    # 2023: U and G owe 12 each (A4 of U is 不适用). U: P1 approved, 10 overdue. G: P1 late
    # and waiting, A5 returned, 10 overdue. On time, of the 23 past their deadline: U's P1, G's A5.
    assert by_status(year["2023"]["counts"]) == {
        "approved": 1,
        "approved_late": 0,
        "submitted": 1,
        "returned": 1,
        "overdue": 20,
    }
    assert year["2023"]["owed"] == 23 and year["2023"]["on_time_rate"] == round(2 / 23, 4)
    overdue_link = next(c["link"] for c in year["2023"]["counts"] if c["status"] == "overdue")
    assert overdue_link.startswith("/board?") and "year=2023" in overdue_link
    assert "status=overdue" in overdue_link and f"as_of={AS_OF}" in overdue_link
    assert by_status(year["2024"]["counts"])["overdue"] == 0  # nothing of 2024 due yet

    cohorts = {c["key"]: c for c in d["cohorts"]}
    assert list(cohorts) == ["UPG7", "T1"]
    assert by_status(cohorts["UPG7"]["counts"])["approved"] == 1
    assert by_status(cohorts["UPG7"]["counts"])["overdue"] == 10
    assert by_status(cohorts["T1"]["counts"])["returned"] == 1
    assert "group=UPG7" in cohorts["UPG7"]["counts"][0]["link"]
    assert [p["label"] for p in d["by_phase"]] == ["部署启动", "深入推进", "总结验收"]
    deploy = by_status(d["by_phase"][0]["counts"])
    assert deploy["approved"] == 1 and deploy["submitted"] == 1

    # Monthly from P1's month: 2 owed in May and June (06-30 is R2/R3's deadline itself), then
    # R2 and R3 of both, then A6 (12-20), then everything of 2023.
    series = [(p["month"], p["owed"], p["on_time"]) for p in d["on_time"]]
    assert series == [
        ("2023-05", 2, 1),
        ("2023-06", 2, 1),
        ("2023-07", 6, 1),
        ("2023-08", 6, 1),
        ("2023-09", 6, 1),
        ("2023-10", 6, 1),
        ("2023-11", 6, 1),
        ("2023-12", 8, 1),
        ("2024-01", 23, 2),
    ]
    assert d["on_time"][-1]["as_of"] == AS_OF and d["on_time"][0]["as_of"] == "2023-05-31"

    top = d["top_overdue"]
    assert {o["enterprise_id"] for o in top} == {roster["U"], roster["G"]}
    assert all(o["items"] == 10 and o["days_late"] == 194 for o in top)  # R2/R3: since 06-30
    assert f"enterprise_id={roster['U']}" in next(
        o["link"] for o in top if o["enterprise_id"] == roster["U"]
    )
    grades = d["grades"]
    assert grades["year"] == 2024 and grades["locked"] is False
    assert sum(g["count"] for g in grades["counts"]) == 2
    assert grades["link"] == f"/scores?year=2024&as_of={AS_OF}"


async def test_overview_is_cached_until_the_data_changes(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], app: Litestar
) -> None:
    url = f"/api/v1/dashboard/overview?as_of={AS_OF}"
    first = (await clients["leader"].get(url)).json()
    again = (await clients["admin"].get(url)).json()
    assert again == first and app.state.dashboards.builds == 1  # a second reader: no rebuild
    a6 = await f.obligation_id("A6")
    await f.submit(roster["U"], a6, at(2023, 12, 28))  # late, written straight to the tables
    after = (await clients["leader"].get(url)).json()
    year = {r["key"]: by_status(r["counts"]) for r in after["by_year"]}
    assert year["2023"]["submitted"] == 2 and year["2023"]["overdue"] == 19
    assert app.state.dashboards.builds == 2


async def test_overview_refuses_bad_input_in_chinese(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int]
) -> None:
    bad = await clients["leader"].get("/api/v1/dashboard/overview?as_of=2024-02-30")
    assert bad.status_code == 400 and "日期" in bad.json()["detail"]
    missing = await clients["leader"].get("/api/v1/dashboard/overview?programme_id=999")
    assert missing.status_code == 404 and "工作方案" in missing.json()["detail"]
    page = await clients["leader"].get("/dashboard?as_of=abc")
    assert page.status_code == 400 and "格式不正确" in page.text


async def test_review_desk(clients: dict[str, httpx.AsyncClient], roster: dict[str, int]) -> None:
    a5 = await f.obligation_id("A5")
    again = await f.submit(roster["G"], a5, at(2023, 12, 8), version_no=2)  # after the return
    await Review.insert(
        Review(version=again, decision="approve", grade="good", state="draft", reasons="[]")
    )
    response = await clients["reviewer"].get("/api/v1/dashboard/review")
    assert response.status_code == 200, response.text
    d = response.json()
    # Waiting: G's P1 (never reviewed) and G's A5 version 2; U's P1 was approved.
    assert d["waiting"] == 2 and d["overdue"] == 2 and d["review_days"] == 7
    assert d["oldest_days"] == (today() - local_date(at(2023, 5, 24))).days
    assert d["drafts"] == 1 and d["resubmissions"] == 1
    assert [i["obligation_code"] for i in d["oldest"]] == ["P1", "A5"]
    assert [i["obligation_code"] for i in d["resubmission_items"]] == ["A5"]
    assert d["draft_items"][0]["has_draft"] is True
    assert d["draft_items"][0]["link"].startswith("/reviews/")
    assert d["overdue_link"] == "/reviews?min_days=7"
    assert [a["count"] for a in d["ages"]] == [2, 2, 2, 2, 2]
    queue = await clients["reviewer"].get(d["overdue_link"])
    assert queue.status_code == 200 and queue.text.count('href="/reviews/') >= 2
    assert (await clients["leader"].get("/api/v1/dashboard/review")).status_code == 403


async def test_enterprise_desk_and_tenancy(
    clients: dict[str, httpx.AsyncClient], roster: dict[str, int], programme: int
) -> None:
    snapshot = [
        {"enterprise_id": roster["G"], "total": 88.5, "grade": "良好"},
        {"enterprise_id": roster["U"], "total": 91.0, "grade": "优秀"},
    ]
    await ScoreLock.insert(
        ScoreLock(
            programme=programme, score_year=2023, as_of=dt.date(2024, 1, 31), snapshot=snapshot
        ),
        ScoreLock(  # unlocked again: no longer published
            programme=programme,
            score_year=2024,
            as_of=dt.date(2025, 1, 31),
            snapshot=[{"enterprise_id": roster["G"], "total": 10.0, "grade": "不合格"}],
            unlocked_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        ),
    )
    response = await clients["ent_g"].get("/api/v1/dashboard/enterprise?as_of=2023-12-25")
    assert response.status_code == 200, response.text
    d = response.json()
    assert d["enterprise_id"] == roster["G"] and d["horizon_days"] == 30
    # Due by 2024-01-24: the six 12-31 duties G itself owes and R1 (A5 was returned instead).
    assert sorted(i["code"] for i in d["due"]) == ["A1a", "A1c", "A1d", "A2", "A3", "A4", "R1"]
    assert {(i["due_on"], i["days_left"]) for i in d["due"]} == {("2023-12-31", 6)}
    assert {i["status"] for i in d["due"]} <= {"due_soon", "not_due"}
    assert d["overdue"] == 3  # A6 (12-20), R2 and R3 (06-30)
    assert [(r["code"], r["reasons"]) for r in d["returned"]] == [("A5", ["材料不全"])]
    assert d["returned"][0]["comment"] == "请补充盖章页"
    assert d["score"]["year"] == 2023 and d["score"]["total"] == 88.5
    assert d["score"]["grade"] == "良好"
    assert by_status(d["counts"])["returned"] == 1
    text = json.dumps(d, ensure_ascii=False)
    assert "提级管理示例集团" not in text and "91.0" not in text  # nothing of the other group

    other = (await clients["ent_u"].get("/api/v1/dashboard/enterprise?as_of=2023-12-25")).json()
    assert other["enterprise_id"] == roster["U"] and other["returned"] == []
    assert other["score"]["total"] == 91.0 and "市属一级示例集团" not in json.dumps(
        other, ensure_ascii=False
    )
    for path in ("/api/v1/dashboard/overview", "/api/v1/dashboard/review"):
        assert (await clients["ent_g"].get(path)).status_code == 403
    assert (await clients["leader"].get("/api/v1/dashboard/enterprise")).status_code == 403


async def test_the_endpoints_are_in_the_openapi_schema(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    schema = (await clients["admin"].get("/schema/openapi.json")).json()
    for path in ("overview", "review", "enterprise"):
        assert f"/api/v1/dashboard/{path}" in schema["paths"]
    assert "OverviewOut" in json.dumps(schema["components"]["schemas"])


# --- a fixed number of statements -----------------------------------------------------------


class Counter:
    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts every statement: Piccolo's two entry points and the board's direct reads."""
    counter = Counter()
    engine = engine_finder()
    cls = type(engine)
    for name in ("run_querystring", "run_ddl"):
        original = cls.__dict__[name]

        def wrap(original: Callable[..., Any] = original) -> Callable[..., Any]:
            async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
                counter.count += 1
                return await original(self, *args, **kwargs)

            return run

        monkeypatch.setattr(cls, name, wrap())
    fetch = fastread.fetch_tuples

    async def fetch_counted(sql: str, *args: Any) -> Any:
        counter.count += 1
        return await fetch(sql, *args)

    monkeypatch.setattr(fastread, "fetch_tuples", fetch_counted)
    return counter


async def grow(roster: dict[str, int], groups: int) -> None:
    """More groups, each with subsidiaries, deliveries, reviews, drafts and exemptions."""
    p1, a5, a6 = [await f.obligation_id(c) for c in ("P1", "A5", "A6")]
    for n in range(groups):
        group = await f.enterprise(f"增补集团{n}（示例）", upgraded=n % 3 == 0)
        await f.enterprise(f"增补子企业{n}（示例）", parent=group, group_id=group)
        v = await f.submit(group, p1, at(2023, 5, 10 + n % 20))
        await f.review(v, "return", at(2023, 6, 1))
        v2 = await f.submit(group, p1, at(2023, 6, 5), version_no=2)
        if n % 2:
            await Review.insert(Review(version=v2, decision="approve", state="draft", reasons="[]"))
        await f.submit(group, a5, at(2024, 1, 3))
        await f.exempt(group, a6, at(2023, 12, 1), "已完成重组")


async def statements(counter: Counter, roster: dict[str, int]) -> list[int]:
    found = []
    for call in (
        lambda: overview(dt.date(2024, 6, 30), 5, None),
        lambda: review_desk(),
        lambda: enterprise_desk(roster["G"], dt.date(2023, 12, 25), 5),
    ):
        counter.count = 0
        await call()
        found.append(counter.count)
    return found


async def test_statements_do_not_grow_with_the_roster(
    roster: dict[str, int], counted: Counter
) -> None:
    small = await statements(counted, roster)
    await grow(roster, 12)
    large = await statements(counted, roster)
    assert small == large, (small, large)
    assert all(0 < n < 20 for n in small), small
    assert await Programme.count() == 1
