"""Every registered route names an access rule, and every role gets exactly what the policy
grants, on pages, htmx partials and the API. A new route without a rule fails here."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import Obligation, Submission
from backend.security.guards import access_rule
from backend.security.policy import RULES, Access, Role
from tests.conftest import client_for
from tests.fixtures import sign_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SKIP_PREFIXES = ("/static",)


def handlers(app: Litestar) -> list[tuple[str, str, Any]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                found.append((route.path, method, handler))
    return found


def test_every_route_names_an_access_rule(app: Litestar) -> None:
    missing = [
        f"{method} {path}"
        for path, method, handler in handlers(app)
        if access_rule(handler) is None
    ]
    assert missing == [], "routes without opt={'access': ...}: " + ", ".join(missing)


def test_the_audit_log_is_for_the_auditor_alone() -> None:
    assert RULES[Access.AUDIT] == frozenset({Role.AUDITOR})
    assert Role.AUDITOR not in RULES[Access.BOARD]  # 三员: no business data for the auditor
    assert RULES[Access.ADMIN] == frozenset({Role.SASAC_ADMIN})


ROLE_ACCOUNTS = {
    Role.SASAC_ADMIN: "admin",
    Role.SASAC_REVIEWER: "reviewer",
    Role.SASAC_LEADER: "leader",
    Role.AUDITOR: "auditor",
    Role.ENTERPRISE_ADMIN: "ent_g",
    Role.ENTERPRISE_USER: "ent_g_user",
}


async def path_values(roster: dict[str, int], accounts: dict[str, int]) -> dict[str, str]:
    p1 = (
        await Obligation.select(Obligation.id, Obligation.programme)
        .where(Obligation.code == "P1")
        .first()
    )
    return {
        "enterprise_id": str(roster["G"]),
        "obligation_id": str(p1["id"]),
        "programme_id": str(p1["programme"]),
        "account_id": str(accounts["reviewer"]),
        "path": "openapi.json",
        "token_id": "1",
        "submission_id": str(
            (
                await Submission.select(Submission.id)
                .where(Submission.enterprise == roster["G"])
                .first()
            )["id"]
        ),
        "file_id": "1",
        "exemption_id": "1",
        "adjustment_id": "1",
        "job_id": "1",
        "outbox_id": "1",
        "finding_id": "1",
        "inspection_id": "1",
    }


def fill(path: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"add a test value for path parameter {{{name}}} in {path}"
        return values[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", one, path)


@pytest.fixture
async def signed_in(
    app: Litestar, tenant_accounts: dict[str, int]
) -> dict[Role | None, httpx.AsyncClient]:
    clients: dict[Role | None, httpx.AsyncClient] = {None: client_for(app)}
    for role, username in ROLE_ACCOUNTS.items():
        clients[role] = client_for(app)
        response = await sign_in(clients[role], username)
        assert response.status_code == 303, username
    return clients


def denied(response: httpx.Response, anonymous: bool) -> bool:
    if anonymous:
        if response.status_code == 401:
            return True
        location = response.headers.get("location", "") or response.headers.get("hx-redirect", "")
        return location.startswith("/login")
    return response.status_code == 403


async def test_role_matrix_for_every_route(
    app: Litestar,
    signed_in: dict[Role | None, httpx.AsyncClient],
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
) -> None:
    values = await path_values(roster, tenant_accounts)
    checked = 0
    try:
        for path, method, handler in handlers(app):
            if path.startswith(SKIP_PREFIXES):
                continue
            rule = access_rule(handler)
            assert rule is not None
            url = fill(path, values)
            for role, client in signed_in.items():
                grants = RULES[rule] is None or (role is not None and role in RULES[rule])
                if method in UNSAFE and grants:
                    continue  # allowed writes are exercised by their own tests
                for hx in ({}, {"HX-Request": "true"}):
                    headers = dict(hx)
                    if method in UNSAFE:
                        page = await client.get("/account/password" if role else "/login")
                        token = re.search(r'name="_csrf_token" value="(\w+)"', page.text)
                        headers["X-CSRFToken"] = token.group(1) if token else ""
                    response = await client.request(
                        method, url, headers=headers, follow_redirects=False
                    )
                    label = f"{method} {url} as {role} hx={bool(hx)}: {response.status_code}"
                    if grants:
                        assert not denied(response, role is None), label
                        assert response.status_code < 500, label
                    else:
                        assert denied(response, role is None), label
                    checked += 1
    finally:
        for client in signed_in.values():
            await client.aclose()
    assert checked > 100
