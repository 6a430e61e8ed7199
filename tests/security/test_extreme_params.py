"""Out-of-range ids, numbers and dates in every path, query and form parameter answer 400 or 404
in Chinese, never 500: ids beyond PostgreSQL's int4 and SQLite's int64, years that overflow
when a day or a time zone is added, page numbers whose offset overflows."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar

from backend.security.guards import access_rule
from backend.security.policy import RULES, Role
from tests.conftest import client_for
from tests.fixtures import sign_in
from tests.security.test_access_matrix import ROLE_ACCOUNTS, fill, handlers, path_values

EXTREME_IDS = [
    "2147483648",  # int4 + 1
    "99999999999",
    "9223372036854775808",  # int64 + 1
    "99999999999999999999999999",
    "-99999999999999999999999999",
]
EXTREME_VALUES = [
    *EXTREME_IDS,
    "99999999999999",
    "-1",
    "0",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2024-02-30",
    "1e309",
    "nan",
    "２０２４",  # full-width digits: int() accepts them
    "²",  # str.isdigit() accepts it, int() does not
]
RESERVED = {"request", "data", "state", "scope", "headers", "cookies", "query", "socket", "body"}
# Parameters some handlers read from request.query_params rather than their signature.
EXTRA_QUERY = {
    "/board": ["as_of", "programme_id", "year", "page", "page_size", "enterprise_id"],
    "/audit": ["enterprise_id", "since", "until"],
    "/audit/export.xlsx": ["enterprise_id", "since", "until"],
    "/workspace": ["year"],
}
# Form fields of state-changing routes that carry numbers or dates.
FORM_FIELDS = {
    "/exports": {"kind": "board", "fields": ["year", "as_of", "programme_id"]},
    "/reviews/{submission_id:int}/extend": {"fields": ["extended_to"]},
    "/reviews/cells/{enterprise_id:int}/{obligation_id:int}/extend": {"fields": ["extended_to"]},
    "/reviews/{submission_id:int}": {
        "decision": "return",
        "reasons": "材料不完整",
        "fields": ["resubmit_by"],
    },
    "/scores/lock": {"fields": ["year"]},
    "/scores/unlock": {"fields": ["year"]},
    "/scores/{enterprise_id:int}/ratings": {"fields": ["year", "score_year"]},
    "/scores/{enterprise_id:int}/adjustments": {"fields": ["year", "score_year", "points"]},
    "/reviews/release": {"fields": ["ids"]},
    "/admin/enterprises": {
        "name": "极值测试企业（示例）",
        "credit_code": "91150200MA0N000000",
        "fields": ["parent_id"],
    },
    "/admin/users/{account_id:int}": {
        "display_name": "审核员",
        "role": "enterprise_user",
        "fields": ["enterprise_id"],
    },
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _granted_role(handler: Any) -> Role | None:
    rule = access_rule(handler)
    assert rule is not None
    allowed = RULES[rule]
    if allowed is None:
        return None
    for role in (Role.SASAC_REVIEWER, Role.SASAC_ADMIN, Role.AUDITOR, Role.ENTERPRISE_ADMIN):
        if role in allowed:
            return role
    return next(iter(allowed))


def _query_names(path: str, handler: Any) -> list[str]:
    params = handler.parsed_fn_signature.parameters
    path_names = set(re.findall(r"\{(\w+)", path))
    names = [
        n for n in params if n not in RESERVED | path_names | set(handler.resolve_dependencies())
    ]
    return sorted(set(names) | set(EXTRA_QUERY.get(path, [])))


def _check(response: httpx.Response, label: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")
    elif response.status_code >= 400 and not HAN.search(response.text):
        failures.append(f"{label}: {response.status_code} without a Chinese message")


@pytest.fixture
async def clients(
    app: Litestar, tenant_accounts: dict[str, int]
) -> dict[Role | None, httpx.AsyncClient]:
    found: dict[Role | None, httpx.AsyncClient] = {None: client_for(app)}
    for role, username in ROLE_ACCOUNTS.items():
        found[role] = client_for(app)
        assert (await sign_in(found[role], username)).status_code == 303, username
    yield found
    for client in found.values():
        await client.aclose()


async def _token(client: httpx.AsyncClient) -> str:
    page = await client.get("/account/password")
    found = re.search(r'name="_csrf_token" value="(\w+)"', page.text)
    return found.group(1) if found else ""


async def test_extreme_path_ids_answer_404_or_400_on_every_route(
    app: Litestar,
    clients: dict[Role | None, httpx.AsyncClient],
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
) -> None:
    values = await path_values(roster, tenant_accounts)
    failures: list[str] = []
    checked = 0
    for path, method, handler in handlers(app):
        if method == "OPTIONS" or path.startswith("/static"):
            continue
        int_params = re.findall(r"\{(\w+):int\}", path)
        if not int_params:
            continue
        client = clients[_granted_role(handler)]
        headers = {"X-CSRFToken": await _token(client)} if method != "GET" else {}
        for name in int_params:
            for extreme in EXTREME_IDS:
                url = fill(path, {**values, name: extreme})
                response = await client.request(method, url, headers=headers)
                _check(response, f"{method} {url}", failures)
                if response.status_code < 500:
                    assert response.status_code in (400, 404), f"{method} {url}"
                checked += 1
    assert failures == [], "\n".join(failures)
    assert checked > 100


async def test_extreme_query_values_never_answer_500(
    app: Litestar,
    clients: dict[Role | None, httpx.AsyncClient],
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
) -> None:
    values = await path_values(roster, tenant_accounts)
    failures: list[str] = []
    checked = 0
    for path, method, handler in handlers(app):
        if method != "GET" or path.startswith(("/static", "/schema")):
            continue
        client = clients[_granted_role(handler)]
        url = fill(path, values)
        for name in _query_names(path, handler):
            for extreme in EXTREME_VALUES:
                response = await client.get(url, params={name: extreme})
                _check(response, f"GET {url}?{name}={extreme}", failures)
                checked += 1
    assert failures == [], "\n".join(failures)
    assert checked > 200


async def test_extreme_form_values_never_answer_500(
    app: Litestar,
    clients: dict[Role | None, httpx.AsyncClient],
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
) -> None:
    values = await path_values(roster, tenant_accounts)
    by_path = {(path, method): handler for path, method, handler in handlers(app)}
    failures: list[str] = []
    for path, spec in FORM_FIELDS.items():
        handler = by_path[(path, "POST")]
        client = clients[_granted_role(handler)]
        token = await _token(client)
        base = {k: v for k, v in spec.items() if k != "fields"}
        for name in spec["fields"]:
            for extreme in EXTREME_VALUES:
                response = await client.post(
                    fill(path, values),
                    data={**base, name: extreme, "_csrf_token": token},
                    headers={"X-CSRFToken": token},
                )
                _check(response, f"POST {path} {name}={extreme}", failures)
    assert failures == [], "\n".join(failures)


async def test_extreme_upload_fields_never_answer_500(
    app: Litestar,
    clients: dict[Role | None, httpx.AsyncClient],
    roster: dict[str, int],
    tenant_accounts: dict[str, int],
) -> None:
    values = await path_values(roster, tenant_accounts)
    client = clients[Role.ENTERPRISE_ADMIN]
    token = await _token(client)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    base = {
        "enterprise_id": str(roster["G"]),
        "obligation_id": values["obligation_id"],
        "not_secret": "1",
    }
    failures: list[str] = []
    for name in ("enterprise_id", "obligation_id", "year", "doc_on"):
        for extreme in EXTREME_VALUES:
            response = await client.post(
                "/api/v1/submissions",
                data={**base, name: extreme},
                files=[("files", ("a.pdf", pdf, "application/pdf"))],
                headers={"X-CSRFToken": token},
            )
            _check(response, f"POST /api/v1/submissions {name}={extreme}", failures)
    assert failures == [], "\n".join(failures)
