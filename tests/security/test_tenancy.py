"""One enterprise never sees another's data: enterprise G's account gets 404 for every object of
enterprise U, on pages, partials and the API, and lists hold G's tree only."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import Obligation
from tests.conftest import client_for
from tests.fixtures import sign_in


@pytest.fixture
async def ent_g(app: Litestar, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, "ent_g_user")).status_code == 303  # bound to G's subsidiary
    return client


async def obligation(code: str) -> int:
    row = await Obligation.select(Obligation.id).where(Obligation.code == code).first()
    return row["id"]


async def test_foreign_objects_answer_404_everywhere(
    ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    foreign, p1 = roster["U"], await obligation("P1")
    urls = [
        f"/enterprises/{foreign}",
        f"/api/v1/enterprises/{foreign}",
        f"/board/cell?enterprise_id={foreign}&obligation_id={p1}",
        f"/board?enterprise_id={foreign}",
        f"/api/v1/board?enterprise_id={foreign}",
    ]
    for url in urls:
        for headers in ({}, {"HX-Request": "true", "HX-Target": "board"}):
            response = await ent_g.get(url, headers=headers)
            assert response.status_code == 404, url
            assert "提级管理示例集团" not in response.text, url
    await ent_g.aclose()


async def test_lists_hold_the_own_group_tree_only(
    ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    own = {roster["G"], roster["G1"], roster["G2"]}
    board = (await ent_g.get("/api/v1/board", params={"as_of": "2024-01-31"})).json()
    assert {r["enterprise"]["id"] for r in board["rows"]} == own
    listing = (await ent_g.get("/api/v1/enterprises")).json()
    assert {e["id"] for e in listing["items"]} == own and listing["total"] == 3
    page = await ent_g.get("/board", params={"as_of": "2024-01-31"})
    assert "市属一级示例集团（示例）" in page.text
    assert "提级管理示例集团（示例）" not in page.text
    search = await ent_g.get("/api/v1/board", params={"q": "提级管理"})
    assert search.json()["rows"] == []
    roster_page = await ent_g.get("/enterprises")
    assert "提级管理示例集团" not in roster_page.text
    await ent_g.aclose()


async def test_own_objects_are_reachable(ent_g: httpx.AsyncClient, roster: dict[str, int]) -> None:
    a5 = await obligation("A5")
    for url in (
        f"/enterprises/{roster['G2']}",
        f"/api/v1/enterprises/{roster['G']}",
        f"/board/cell?enterprise_id={roster['G1']}&obligation_id={a5}",
    ):
        assert (await ent_g.get(url)).status_code == 200, url
    await ent_g.aclose()


async def test_tenant_comes_from_the_account_not_the_request(
    ent_g: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    headers = {"X-Enterprise-Id": str(roster["U"])}
    body = (await ent_g.get("/api/v1/enterprises", headers=headers)).json()
    assert roster["U"] not in {e["id"] for e in body["items"]}
    await ent_g.aclose()
