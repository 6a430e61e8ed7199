"""A refused page offers a link this user can open; the API menu entry only for the roles that
connect systems (the API page follows the same rule)."""

from __future__ import annotations

import re

from litestar import Litestar

from tests.conftest import client_for
from tests.fixtures import sign_in

BUTTON = re.compile(r'<main class="content".*?<a class="btn" href="([^"]+)"', re.S)


async def test_a_403_page_links_somewhere_the_user_may_go(
    app: Litestar, tenant_accounts: dict[str, int]
) -> None:
    for username, refused in (("auditor", "/board"), ("leader", "/reviews"), ("ent_u", "/exports")):
        async with client_for(app) as client:
            assert (await sign_in(client, username)).status_code == 303
            page = await client.get(refused)
            assert page.status_code == 403, username
            link = BUTTON.search(page.text)
            assert link, page.text
            target = await client.get(link.group(1), follow_redirects=True)
            assert target.status_code == 200, (username, link.group(1))


async def test_the_api_entry_only_for_roles_that_use_the_api(
    app: Litestar, tenant_accounts: dict[str, int]
) -> None:
    menu = 'href="/api-docs"'
    for username, shown in (
        ("reviewer", True),
        ("admin", True),
        ("ent_g", True),
        ("leader", False),
        ("ent_u", False),
    ):
        async with client_for(app) as client:
            assert (await sign_in(client, username)).status_code == 303
            home = await client.get("/", follow_redirects=True)
            assert home.status_code == 200
            assert (menu in home.text) is shown, username
            docs = await client.get("/api-docs")
            assert docs.status_code == (200 if shown else 403), username
