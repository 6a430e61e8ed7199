"""Sortable lists: a header link sorts by a whitelisted column, the sort stays in the URL (and in
the pager's links), an unknown key falls back to the list's default order."""

from __future__ import annotations

import httpx
import pytest

from backend.domain.shared.sorting import Sort, parse_sort, sort_rows
from tests.fixtures import sign_in


def test_parse_and_sort_are_whitelisted_and_stable() -> None:
    assert parse_sort("-name", ["name"], "name") == Sort("name", True)
    assert parse_sort("password_hash", ["name"], "-name") == Sort("name", True)
    assert parse_sort(None, ["name"]) == Sort("")
    rows = [{"n": "b", "i": 1}, {"n": "", "i": 2}, {"n": "a", "i": 3}, {"n": "b", "i": 4}]
    keys = {"n": lambda r: r["n"]}
    assert [r["i"] for r in sort_rows(rows, Sort("n"), keys)] == [3, 1, 4, 2]
    assert [r["i"] for r in sort_rows(rows, Sort("n", True), keys)] == [1, 4, 3, 2]  # empty last
    assert sort_rows(rows, Sort(""), keys) == rows
    assert Sort("n").next("n") == "-n" and Sort("n", True).next("n") == "n"
    assert Sort("n").next("x") == "x"


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    assert (await sign_in(client, "admin")).status_code == 303
    return client


async def test_enterprises_sort_by_name_both_ways(admin: httpx.AsyncClient) -> None:
    default = (await admin.get("/enterprises")).text
    assert 'aria-sort="none"' in default and "sort=name" in default
    up = (await admin.get("/enterprises", params={"sort": "name"})).text
    down = (await admin.get("/enterprises", params={"sort": "-name"})).text
    g, u = ">市属一级示例集团（示例）</a>", ">提级管理示例集团（示例）</a>"
    assert up.index(g) < up.index(u)
    assert down.index(u) < down.index(g)
    assert 'aria-sort="descending"' in down
    partial = await admin.get(
        "/enterprises",
        params={"sort": "-tier"},
        headers={"HX-Request": "true", "HX-Target": "enterprise-rows"},
    )
    assert "<html" not in partial.text and partial.text.index("示例孙公司乙") < partial.text.index(
        "提级管理示例集团"
    )


async def test_users_and_audit_log_sort(admin: httpx.AsyncClient) -> None:
    up = (await admin.get("/admin/users", params={"sort": "username"})).text
    down = (await admin.get("/admin/users", params={"sort": "-username"})).text
    assert up.index(">admin<") < up.index(">reviewer<")
    assert down.index(">reviewer<") < down.index(">admin<")
    assert (await admin.get("/admin/users", params={"sort": "nope"})).status_code == 200
    await admin.get("/logout")
    assert (await sign_in(admin, "auditor")).status_code == 303
    by_actor = (await admin.get("/audit", params={"sort": "actor"})).text
    assert by_actor.index("<td>admin</td>") < by_actor.index("<td>auditor</td>")
    reverse = (await admin.get("/audit", params={"sort": "-actor"})).text
    assert reverse.index("<td>auditor</td>") < reverse.index("<td>admin</td>")
    assert "sort=-actor" in by_actor and 'aria-sort="ascending"' in by_actor


async def test_enterprise_admin_list_sorts_and_keeps_filters(admin: httpx.AsyncClient) -> None:
    page = await admin.get("/admin/enterprises", params={"sort": "-name", "status": "all"})
    assert page.status_code == 200
    html = page.text
    u, g = html.index("<td>提级管理示例集团（示例）"), html.rindex("<td>市属一级示例集团（示例）")
    assert html.index("<td>示例子公司甲（示例）") < u < g  # by code point, descending
    assert "status=all" in html and 'aria-sort="descending"' in html
