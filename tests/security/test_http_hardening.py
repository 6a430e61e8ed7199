"""HTTP hardening: security headers on every response (router errors and static files too),
HSTS with includeSubDomains, the Host allow-list, X-Forwarded-For only from trusted proxies,
the Origin / Sec-Fetch-Site check beside the CSRF token, and production start-up refusals."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from backend.app import create_app
from backend.cli import uvicorn_proxy_options
from backend.db.tables import AuditEvent
from backend.security.audit import Actor
from backend.settings import Settings, get_settings, secret_key_problem
from backend.web.edge import client_address, host_allowed
from tests.fixtures import PASSWORD, csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]


def assert_security_headers(response: httpx.Response) -> None:
    label = f"{response.request.method} {response.request.url}: {response.status_code}"
    assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", ""), label
    assert "object-src 'none'" in response.headers["content-security-policy"], label
    assert response.headers.get("x-content-type-options") == "nosniff", label
    assert response.headers.get("x-frame-options") == "DENY", label
    assert response.headers.get("referrer-policy") == "same-origin", label


@asynccontextmanager
async def running(settings: Settings, peer: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """The app built from `settings`, its lifespan in this loop, and a client connecting
    from `peer` (the TCP address the server would see)."""
    app = create_app(settings)
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        stop.set()
        await task


# --- 2. headers on every response ------------------------------------------------------------


async def test_router_errors_static_files_and_refusals_carry_the_security_headers(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    not_found = await client.get("/no-such-page")
    assert not_found.status_code == 404 and "未找到" in not_found.text
    wrong_method = await client.delete("/healthz")
    assert wrong_method.status_code == 405
    api_not_found = await client.get("/api/v1/nothing-here")
    assert api_not_found.status_code == 404
    static = await client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
    static_missing = await client.get("/static/missing.css")
    assert static_missing.status_code == 404
    unauthorized = await client.get("/api/v1/board", headers={"Authorization": "Bearer hg_no"})
    assert unauthorized.status_code == 401
    csrf = await client.post("/logout")
    assert csrf.status_code == 403
    page = await client.get("/login")
    for response in (
        not_found,
        wrong_method,
        api_not_found,
        static,
        static_missing,
        unauthorized,
        csrf,
        page,
    ):
        assert_security_headers(response)
    for response in (not_found, wrong_method, page, unauthorized):
        assert response.headers.get("cache-control") == "no-store"


async def test_hsts_covers_subdomains_when_served_over_https(db: None) -> None:
    settings = dataclasses.replace(get_settings(), secure_cookies=True)
    async with running(settings) as c:
        for response in (await c.get("/healthz"), await c.get("/nowhere")):
            hsts = response.headers.get("strict-transport-security")
            assert hsts == "max-age=31536000; includeSubDomains"
    async with running(dataclasses.replace(settings, secure_cookies=False)) as c:
        assert "strict-transport-security" not in (await c.get("/healthz")).headers


# --- 3. production start-up --------------------------------------------------------------------


def production(**changes: object) -> Settings:
    base = dataclasses.replace(
        get_settings(),
        environment="production",
        secret_key="9f3c2a7b1e8d4f6a0b5c9e2d7a1f3b8c6e4d0a9b2c7f1e5d3a8b6c0f4e9d2a71",
        secret_key_from_env=True,
        debug=False,
        debug_requested=False,
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "test-secret-key-not-for-production",
        "e2e-secret",
        "changeme",
        "short-but-random-Xy7#",
        "a" * 64,
        "abababababababababababababababababababab",
        "0123456789" * 4,
    ],
)
def test_production_refuses_a_weak_secret_key(key: str) -> None:
    problems = production(secret_key=key, secret_key_from_env=bool(key)).startup_problems()
    assert problems and all("SECRET_KEY" in p for p in problems), problems
    with pytest.raises(RuntimeError, match="拒绝启动"):
        create_app(production(secret_key=key, secret_key_from_env=bool(key)))


def test_production_accepts_a_random_key_and_refuses_debug() -> None:
    import secrets

    assert production().startup_problems() == []
    assert secret_key_problem(secrets.token_hex(32)) is None
    assert secret_key_problem(secrets.token_urlsafe(32)) is None
    assert production(debug_requested=True).startup_problems() == [
        "生产环境不得开启调试模式，请删除 HEGUI_DEBUG 设置。"
    ]
    # In development neither matters: a random per-process key and debug pages are fine.
    dev = production(environment="development", secret_key="x", debug_requested=True)
    assert dev.startup_problems() == []


def test_bad_proxy_entries_are_refused_in_every_environment() -> None:
    settings = dataclasses.replace(get_settings(), trusted_proxies=("10.0.0.0/8", "proxy.local"))
    assert settings.startup_problems() == [
        "HEGUI_TRUSTED_PROXIES 中的“proxy.local”不是有效的 IP 地址或网段。"
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"SECRET_KEY": "e2e-secret"}, "公开的示例或测试密钥"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY 过短"),
        ({"SECRET_KEY": "", "HEGUI_DEBUG": "1"}, "必须设置 SECRET_KEY"),
        (
            {
                "SECRET_KEY": "9f3c2a7b1e8d4f6a0b5c9e2d7a1f3b8c6e4d0a9b2c7f1e5d3a8b",
                "HEGUI_DEBUG": "1",
            },
            "不得开启调试模式",
        ),
    ],
)
def test_hegui_serve_refuses_to_start_in_production(
    tmp_path: Path, extra: dict[str, str], expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(HEGUI_VAR_DIR=str(tmp_path), HEGUI_ENV="production", **extra)
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "拒绝启动" in result.stderr and expected in result.stderr
    assert not (tmp_path / "hegui.sqlite3").exists()  # refused before touching the database


# --- 4a. host allow-list -----------------------------------------------------------------------


def test_host_matching() -> None:
    allowed = ("hegui.example.cn", "*.gzw.example")
    assert host_allowed("hegui.example.cn", allowed)
    assert host_allowed("HEGUI.example.cn:8443", allowed)
    assert host_allowed("a.gzw.example", allowed)
    assert host_allowed("localhost:8000", allowed) and host_allowed("[::1]:8000", allowed)
    assert not host_allowed("gzw.example.evil.cn", allowed)
    assert not host_allowed("evil.example", allowed)
    assert not host_allowed("hegui.example.cn.evil.com", allowed)
    assert not host_allowed("", allowed)
    assert host_allowed("anything.at.all", ())


async def test_unknown_hosts_are_refused_before_routing(db: None) -> None:
    settings = dataclasses.replace(get_settings(), allowed_hosts=("hegui.example.cn",))
    async with running(settings) as c:
        for path in ("/healthz", "/login", "/no-such-page"):
            refused = await c.get(path, headers={"Host": "evil.example"})
            assert refused.status_code == 400, path
            assert "HEGUI_ALLOWED_HOSTS" in refused.text and "主机名" in refused.text
            assert_security_headers(refused)
        ok = await c.get("/healthz", headers={"Host": "hegui.example.cn:8443"})
        assert ok.status_code == 200
        assert (await c.get("/healthz", headers={"Host": "127.0.0.1:8000"})).status_code == 200


# --- 4b. client address from trusted proxies only ------------------------------------------------


def test_client_address_rules() -> None:
    nets = dataclasses.replace(
        get_settings(), trusted_proxies=("10.0.0.0/8", "fd00::/8")
    ).proxy_networks()
    # an untrusted peer: its own address, whatever it claims
    assert client_address("198.51.100.9", "203.0.113.7", nets) == "198.51.100.9"
    # a trusted proxy: the rightmost address it did not add itself
    assert client_address("10.0.0.5", "203.0.113.7", nets) == "203.0.113.7"
    assert client_address("10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.9", nets) == "203.0.113.7"
    # a client cannot choose its address by prepending to the header
    assert client_address("10.0.0.5", "6.6.6.6, 203.0.113.7", nets) == "203.0.113.7"
    assert client_address("10.0.0.5", "garbage", nets) == "10.0.0.5"
    assert client_address("10.0.0.5", "203.0.113.7:4431", nets) == "203.0.113.7"
    assert client_address("fd00::1", "[2001:db8::7]:443", nets) == "2001:db8::7"
    assert client_address("10.0.0.5", "", nets) == "10.0.0.5"
    assert client_address("10.0.0.5", "203.0.113.7", []) == "10.0.0.5"


async def _failed_login_ip(c: httpx.AsyncClient, headers: dict[str, str]) -> str:
    token = await csrf_token(c)
    response = await c.post(
        "/login",
        data={"username": "reviewer", "password": "wrong-" + PASSWORD, "_csrf_token": token},
        headers=headers,
    )
    assert response.status_code == 401
    row = await AuditEvent.select(AuditEvent.ip).order_by(AuditEvent.id, ascending=False).first()
    assert row is not None
    return row["ip"]


async def test_audit_and_lockout_see_the_client_behind_a_trusted_proxy_only(
    accounts: dict[str, int],
) -> None:
    settings = dataclasses.replace(get_settings(), trusted_proxies=("10.0.0.0/8",))
    spoof = {"X-Forwarded-For": "203.0.113.7"}
    async with running(settings, peer="10.0.0.5") as via_proxy:
        assert await _failed_login_ip(via_proxy, spoof) == "203.0.113.7"
    async with running(settings, peer="198.51.100.9") as direct:
        assert await _failed_login_ip(direct, spoof) == "198.51.100.9"
    async with running(get_settings(), peer="127.0.0.1") as unconfigured:
        assert await _failed_login_ip(unconfigured, spoof) == "127.0.0.1"


def test_hegui_serve_gives_uvicorn_the_same_proxies() -> None:
    none = dataclasses.replace(get_settings(), trusted_proxies=())
    assert uvicorn_proxy_options(none) == {"proxy_headers": False}
    some = dataclasses.replace(get_settings(), trusted_proxies=("10.0.0.0/8", "192.0.2.1"))
    assert uvicorn_proxy_options(some) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.0/8,192.0.2.1",
    }


# --- 4c. Origin / Sec-Fetch-Site beside the CSRF token ----------------------------------------


async def test_cross_site_state_changes_are_refused(
    app: Litestar, staff: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await csrf_token(staff, "/account/password")
    for bad in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
    ):
        refused = await staff.post("/notifications/read", headers={"X-CSRFToken": token, **bad})
        assert refused.status_code == 403, bad
        assert "不接受从其他网站发起的提交" in refused.text
        assert_security_headers(refused)
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    ok = await staff.post("/notifications/read", headers={"X-CSRFToken": token, **same})
    assert ok.status_code == 303
    # the public name behind a proxy that rewrites Host can be allowed explicitly
    from backend.security import csrf

    listed = dataclasses.replace(get_settings(), allowed_hosts=("hegui.example.cn",))
    monkeypatch.setattr(csrf, "get_settings", lambda: listed)
    proxied = {"Origin": "https://hegui.example.cn", "X-CSRFToken": token}
    assert (await staff.post("/notifications/read", headers=proxied)).status_code == 303
    # GET is never checked: links from other sites still open pages
    assert (await staff.get("/board", headers={"Sec-Fetch-Site": "cross-site"})).status_code == 200


async def test_bearer_token_clients_are_exempt_like_csrf(
    app: Litestar, accounts: dict[str, int]
) -> None:
    from backend.domain.accounts.tokens import create_token
    from tests.conftest import client_for

    token = await create_token(Actor(accounts["reviewer"], "reviewer"), accounts["reviewer"])
    async with client_for(app) as api:
        response = await api.post(
            "/notifications/read",
            headers={"Authorization": f"Bearer {token}", "Origin": "https://evil.example"},
        )
    assert response.status_code == 303
    # …but a browser that also holds a session is checked
    async with client_for(app) as browser:
        assert (await sign_in(browser, "reviewer")).status_code == 303
        response = await browser.post(
            "/notifications/read",
            headers={"Authorization": f"Bearer {token}", "Origin": "https://evil.example"},
        )
    assert response.status_code == 403
