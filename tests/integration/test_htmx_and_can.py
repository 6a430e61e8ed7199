"""htmx goes through the plugin (`request.htmx`, ClientRedirect), and templates ask the access
policy through the Jinja global `can(...)` instead of testing role strings."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from litestar import Litestar

from backend.security.policy import Access, CurrentUser, Role, allowed
from tests.conftest import client_for
from tests.fixtures import sign_in

ROOT = Path(__file__).resolve().parents[2]
MENU = {
    "/workspace": Access.SUBMIT,
    "/scores": Access.EXPORT,
    "/reviews": Access.REVIEW,
    "/exports": Access.EXPORT,
    "/admin/users": Access.ADMIN,
    "/audit": Access.AUDIT,
}
ROLES = {
    "admin": Role.SASAC_ADMIN,
    "reviewer": Role.SASAC_REVIEWER,
    "leader": Role.SASAC_LEADER,
    "auditor": Role.AUDITOR,
    "ent_g": Role.ENTERPRISE_ADMIN,
    "ent_u": Role.ENTERPRISE_USER,
}


def test_no_handler_reads_htmx_headers_by_hand() -> None:
    pattern = re.compile(r"""["'](hx-request|hx-target|HX-Redirect|HX-Request)["']""", re.I)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "backend").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_templates_do_not_test_role_strings() -> None:
    codes = "|".join(role.value for role in Role)
    pattern = re.compile(rf"me\.role\b|is_sasac|[\"']({codes})[\"']")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


async def test_the_menu_follows_the_policy(app: Litestar, tenant_accounts: dict[str, int]) -> None:
    for username, role in ROLES.items():
        async with client_for(app) as client:
            assert (await sign_in(client, username)).status_code == 303
            page = await client.get("/notifications")
            assert page.status_code == 200
            nav = page.text[page.text.index('<nav class="sidebar"') : page.text.index("</nav>")]
            for href, rule in MENU.items():
                shown = f'href="{href}"' in nav
                assert shown == (role in (Access_roles := _roles(rule))), (
                    username,
                    href,
                    Access_roles,
                )


def _roles(rule: Access) -> set[Role]:
    return {role for role in Role if allowed(rule, _user(role))}


def _user(role: Role):

    return CurrentUser(1, "u", "u", role, None, None)


async def test_logout_over_htmx_navigates_and_clears_the_cookie(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    assert (await sign_in(client, "reviewer")).status_code == 303
    token = re.search(
        r'name="_csrf_token" value="([0-9a-f]{64})"', (await client.get("/board")).text
    )
    assert token
    response = await client.post(
        "/logout",
        data={"_csrf_token": token.group(1)},
        headers={"HX-Request": "true", "X-CSRFToken": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/login"
    assert "max-age=0" in response.headers["set-cookie"].lower()
    after = await client.get("/board", follow_redirects=False)
    assert after.status_code in (302, 303)
