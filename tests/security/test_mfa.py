"""The second factor (TOTP) for SASAC roles and the auditor when REQUIRE_MFA is on: enrolment
on first sign-in, codes once only, recovery codes once only, wrong codes lock the account, the
administrator resets others' factors (not the auditor's), API tokens are unaffected, and a
half-signed-in session reaches only the MFA pages."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pyotp
import pytest
from litestar import Litestar

from backend.db.tables import AuditEvent, MfaFactor, MfaRecoveryCode, WebSession
from backend.security import totp
from backend.settings import get_settings
from tests.conftest import client_for
from tests.fixtures import csrf_token, sign_in

SECRET = re.compile(r'id="mfa-secret">([A-Z2-7 ]+)<')
CODES = re.compile(r"<li><code>([a-z0-9-]{14})</code></li>")
TOKEN = re.compile(r'class="secret">(hg_[\w-]+)<')


@pytest.fixture
def mfa_on() -> Iterator[None]:
    settings = get_settings()
    object.__setattr__(settings, "require_mfa", True)
    yield
    object.__setattr__(settings, "require_mfa", False)


async def _code(client: httpx.AsyncClient, code: str) -> httpx.Response:
    token = await csrf_token(client, "/login/mfa")
    return await client.post(
        "/login/mfa",
        data={"code": code, "next": "/board", "_csrf_token": token},
        follow_redirects=False,
    )


async def enrol(client: httpx.AsyncClient, username: str) -> tuple[str, list[str]]:
    """Password, then enrolment; returns the TOTP secret and the recovery codes."""
    response = await sign_in(client, username)
    assert response.headers["location"].startswith("/login/mfa"), response.headers
    page = await client.get("/login/mfa")
    assert "绑定动态口令" in page.text
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert "script" not in svg and "http" not in svg and "style=" not in svg
    secret = SECRET.search(page.text).group(1).replace(" ", "")
    done = await _code(client, pyotp.TOTP(secret).now())
    assert done.status_code == 200, done.text
    codes = CODES.findall(done.text)
    assert len(codes) == 10
    return secret, codes


def next_code(secret: str, steps: int = 1) -> str:
    """A code for a later time step than any already used (codes work once)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


async def test_enrol_then_sign_in_with_a_code(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    client = client_for(app)
    secret, _ = await enrol(client, "reviewer")
    assert (await client.get("/board", follow_redirects=False)).status_code == 200
    stored = await MfaFactor.select().first()
    assert secret not in stored["secret"] and totp.decrypt(stored["secret"]) == secret
    assert await MfaRecoveryCode.count() == 10
    assert not await MfaRecoveryCode.exists().where(MfaRecoveryCode.code_hash.like("%-%"))

    other = client_for(app)
    await sign_in(other, "reviewer")
    page = await other.get("/login/mfa")
    assert "动态口令验证" in page.text and "mfa-secret" not in page.text
    wrong = await _code(other, "000000" if next_code(secret) != "000000" else "111111")
    assert wrong.status_code == 401 and "不正确" in wrong.text
    replay = await _code(other, pyotp.TOTP(secret).now())  # spent at enrolment
    assert replay.status_code == 401
    right = await _code(other, next_code(secret))
    assert right.status_code == 303 and right.headers["location"] == "/board"
    assert (await other.get("/board", follow_redirects=False)).status_code == 200
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    assert "mfa_enrol" in actions
    for c in (client, other):
        await c.aclose()


async def test_a_half_signed_in_session_reaches_only_the_mfa_pages(
    app: Litestar, tenant_accounts: dict[str, int], mfa_on: None
) -> None:
    client = client_for(app)
    response = await sign_in(client, "admin")
    assert response.status_code == 303
    for path in ("/board", "/admin/users", "/account/tokens", "/account/password", "/"):
        page = await client.get(path, follow_redirects=False)
        assert page.headers.get("location") == "/login/mfa", path
    partial = await client.get("/board", headers={"HX-Request": "true"}, follow_redirects=False)
    assert partial.headers["hx-redirect"] == "/login/mfa"
    assert (await client.get("/api/v1/board")).status_code == 403
    assert (await client.get("/login/mfa")).status_code == 200
    # Enterprise accounts are not in scope of the requirement.
    ent = client_for(app)
    assert (await sign_in(ent, "ent_g")).headers["location"] == "/"
    for c in (client, ent):
        await c.aclose()


async def test_wrong_codes_lock_the_account(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    client = client_for(app)
    secret, _ = await enrol(client, "reviewer")
    guesser = client_for(app)
    await sign_in(guesser, "reviewer")
    bad = "123456" if next_code(secret) != "123456" else "654321"
    for _ in range(5):
        assert (await _code(guesser, bad)).status_code == 401
    locked = await _code(guesser, next_code(secret))
    assert locked.status_code == 401 and "锁定" in locked.text
    assert (await guesser.get("/board", follow_redirects=False)).status_code != 200
    again = await sign_in(client_for(app), "reviewer")
    assert again.status_code == 401 and "锁定" in again.text
    for c in (client, guesser):
        await c.aclose()


async def test_signing_in_again_does_not_reset_the_code_guesses(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    """Someone with the password must not get a fresh set of code guesses by signing in again:
    only a right second factor starts the window again (found by the security read)."""
    client = client_for(app)
    secret, _ = await enrol(client, "reviewer")
    bad = "123456" if next_code(secret) != "123456" else "654321"
    refused = 0
    for _ in range(4):  # four rounds of password + two wrong codes: ten secrets in all
        guesser = client_for(app)
        signed = await sign_in(guesser, "reviewer")
        if signed.status_code == 303:
            for _ in range(2):
                answer = await _code(guesser, bad)
                assert answer.status_code == 401
        else:
            refused += 1
        await guesser.aclose()
    assert refused >= 1, "the password step kept resetting the failure count"
    last = client_for(app)
    again = await sign_in(last, "reviewer")
    assert again.status_code == 401 and "锁定" in again.text
    for c in (client, last):
        await c.aclose()


async def test_a_reset_revokes_the_accounts_api_tokens(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    """A token issued before a password or second-factor reset stops working after it, so a
    reset (by the admin, or after a takeover) leaves no way back in (found by the security read)."""
    admin, reviewer = client_for(app), client_for(app)
    await enrol(admin, "admin")
    await enrol(reviewer, "reviewer")
    token = await csrf_token(reviewer, "/account/tokens")
    page = await reviewer.post("/account/tokens", data={"_csrf_token": token, "name": "对接"})
    secret = TOKEN.search(page.text).group(1)
    bare = client_for(app)
    auth = {"Authorization": f"Bearer {secret}"}
    assert (await bare.get("/api/v1/board", headers=auth)).status_code == 200
    token = await csrf_token(admin, "/admin/users")
    reset = await admin.post(
        f"/admin/users/{accounts['reviewer']}/mfa-reset", data={"_csrf_token": token}
    )
    assert "已重置" in reset.text
    assert (await bare.get("/api/v1/board", headers=auth)).status_code == 401
    for c in (admin, reviewer, bare):
        await c.aclose()


async def test_a_recovery_code_works_once(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    first = client_for(app)
    _, codes = await enrol(first, "leader")
    second, third = client_for(app), client_for(app)
    await sign_in(second, "leader")
    used = await _code(second, codes[3].upper().replace("-", " "))
    assert used.status_code == 303
    await sign_in(third, "leader")
    reused = await _code(third, codes[3])
    assert reused.status_code == 401
    assert await MfaRecoveryCode.count().where(MfaRecoveryCode.used_at.is_not_null()) == 1
    assert await AuditEvent.count().where(AuditEvent.action == "mfa_recovery_used") == 1
    for c in (first, second, third):
        await c.aclose()


async def test_the_admin_reset_forces_re_enrolment_but_not_for_the_auditor(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    admin, reviewer, auditor = client_for(app), client_for(app), client_for(app)
    await enrol(admin, "admin")
    await enrol(reviewer, "reviewer")
    await enrol(auditor, "auditor")
    token = await csrf_token(admin, "/admin/users")
    page = await admin.post(
        f"/admin/users/{accounts['reviewer']}/mfa-reset", data={"_csrf_token": token}
    )
    assert "已重置" in page.text
    assert not await MfaFactor.exists().where(MfaFactor.account == accounts["reviewer"])
    assert await WebSession.count().where(WebSession.account == accounts["reviewer"]) == 0
    assert (await reviewer.get("/board", follow_redirects=False)).status_code != 200
    await enrol(client_for(app), "reviewer")  # must enrol again, and can
    refused = await admin.post(
        f"/admin/users/{accounts['auditor']}/mfa-reset", data={"_csrf_token": token}
    )
    assert "三员分立" in refused.text
    assert await MfaFactor.exists().where(MfaFactor.account == accounts["auditor"])
    assert await AuditEvent.count().where(AuditEvent.action == "mfa_reset") == 1
    for c in (admin, reviewer, auditor):
        await c.aclose()


async def test_api_tokens_still_work_with_mfa_required(
    app: Litestar, accounts: dict[str, int], mfa_on: None
) -> None:
    client = client_for(app)
    await enrol(client, "reviewer")
    token = await csrf_token(client, "/account/tokens")
    page = await client.post("/account/tokens", data={"_csrf_token": token, "name": "对接"})
    secret = TOKEN.search(page.text).group(1)
    bare = client_for(app)
    answer = await bare.get("/api/v1/board", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    for c in (client, bare):
        await c.aclose()


def test_codes_outside_one_step_are_refused() -> None:
    secret = totp.new_secret()
    now = time.time()
    here = totp.current_step(now)
    old = pyotp.TOTP(secret).at(now - 60)
    assert totp.matching_step(secret, old, 0, now) in {None, here - 1}  # 2 steps back: no
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now), here, now) is None  # spent
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now), 0, now) == here
