"""The lockout limits guessing: an attempt reserves a slot in the database before any hash is
checked, so parallel guesses (in one process or many) check at most LOGIN_MAX_FAILURES
passwords per lock window, and a locked account checks nothing and answers the same to right
and wrong passwords. Hash checks are counted on the real argon2 verifier."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import Account, WebSession
from backend.security import passwords
from backend.security.passwords import verify_password
from tests.conftest import client_for
from tests.fixtures import PASSWORD, csrf_token, sign_in

LIMIT = 5  # LOGIN_MAX_FAILURES' default
ALERT = re.compile(r'role="alert">([^<]*)<')


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every password the real argon2 verifier is asked about."""
    seen: list[str] = []
    real = passwords._verify

    def counting(stored: str, password: str) -> bool:
        seen.append(password)
        return real(stored, password)

    monkeypatch.setattr(passwords, "_verify", counting)
    yield seen


async def _parallel_logins(
    app: Litestar, guesses: list[str], *, hold: int | None = None
) -> list[httpx.Response]:
    """All guesses at once; the one at `hold` waits until the threshold has been reached
    (the lock is set when the last slot is taken, before that slot's hash is checked)."""
    clients = [client_for(app) for _ in guesses]

    async def post(i: int, client: httpx.AsyncClient, token: str) -> httpx.Response:
        if i == hold:
            # The lock lives in the database (maybe set by another process): poll it.
            while not await Account.exists().where(Account.locked_until.is_not_null()):  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        return await client.post(
            "/login",
            data={"username": "reviewer", "password": guesses[i], "_csrf_token": token},
            follow_redirects=False,
        )

    try:
        tokens = [await csrf_token(c) for c in clients]
        return await asyncio.gather(
            *(post(i, c, t) for i, (c, t) in enumerate(zip(clients, tokens, strict=True)))
        )
    finally:
        for c in clients:
            await c.aclose()


async def test_forty_parallel_guesses_check_at_most_the_threshold(
    app: Litestar, accounts: dict[str, int], checked: list[str]
) -> None:
    responses = await _parallel_logins(app, [f"Wrong-Guess-{i}!" for i in range(40)])
    assert len(checked) <= LIMIT, f"{len(checked)} hashes checked"
    assert all(r.status_code == 401 for r in responses)
    row = await Account.select().where(Account.id == accounts["reviewer"]).first()
    assert row["locked_until"] is not None


async def test_the_right_password_after_the_threshold_gets_no_session(
    app: Litestar, accounts: dict[str, int], checked: list[str]
) -> None:
    """40 parallel logins, the right password at position 30 arriving once the threshold is
    reached (while the other 39 are still in flight): it is not even checked."""
    guesses = [f"Wrong-Guess-{i}!" for i in range(40)]
    guesses[30] = PASSWORD
    responses = await _parallel_logins(app, guesses, hold=30)
    assert len(checked) <= LIMIT, f"{len(checked)} hashes checked"
    assert PASSWORD not in checked
    assert await WebSession.count() == 0
    assert responses[30].status_code == 401


async def test_a_locked_account_checks_nothing_and_answers_alike(
    app: Litestar, accounts: dict[str, int], checked: list[str]
) -> None:
    client = client_for(app)
    for _ in range(LIMIT):
        assert (await sign_in(client, "reviewer", "Wrong-Password-1")).status_code == 401
    checked.clear()
    wrong = await sign_in(client, "reviewer", "Wrong-Password-2")
    right = await sign_in(client, "reviewer", PASSWORD)
    assert checked == []
    assert wrong.status_code == right.status_code == 401
    assert ALERT.search(wrong.text).group(1) == ALERT.search(right.text).group(1)
    assert "锁定" in right.text
    guesses = [f"Wrong-Guess-{i}!" for i in range(20)] + [PASSWORD]
    responses = await _parallel_logins(app, guesses)
    assert checked == [] and await WebSession.count() == 0
    assert len({ALERT.search(r.text).group(1) for r in responses}) == 1
    await client.aclose()


async def test_the_password_page_refuses_while_locked(
    app: Litestar, accounts: dict[str, int], checked: list[str]
) -> None:
    client = client_for(app)
    assert (await sign_in(client, "reviewer")).status_code == 303
    token = await csrf_token(client, "/account/password")
    new = "Brand-New-Secret-77"

    async def change(current: str) -> httpx.Response:
        return await client.post(
            "/account/password",
            data={"current": current, "new": new, "confirm": new, "_csrf_token": token},
        )

    for _ in range(LIMIT):
        assert (await change("Wrong-Current-1")).status_code == 422
    checked.clear()
    refused = await change(PASSWORD)
    assert refused.status_code == 422 and "锁定" in refused.text
    assert checked == []
    row = await Account.select().where(Account.id == accounts["reviewer"]).first()
    assert await verify_password(row["password_hash"], PASSWORD)  # unchanged
    await client.aclose()


async def test_a_success_gives_the_slots_back(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    for _ in range(LIMIT - 1):
        await sign_in(client, "reviewer", "Wrong-Password-1")
    assert (await sign_in(client, "reviewer")).status_code == 303
    row = await Account.select().where(Account.id == accounts["reviewer"]).first()
    assert row["failed_logins"] == 0 and row["locked_until"] is None


CHILD = """
import asyncio, sys
from backend.db.lifespan import db_lifespan
from backend.domain.accounts.lockout import reserve

async def main():
    async with db_lifespan():
        got = await asyncio.gather(*(reserve(int(sys.argv[1])) for _ in range(10)))
    print(sum(1 for g in got if g is not None))

asyncio.run(main())
"""


async def test_slots_are_shared_across_processes(db: None, accounts: dict[str, int]) -> None:
    """Four OS processes, ten reservations each, against one account: five slots in all."""
    env = dict(os.environ)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CHILD,
            str(accounts["reviewer"]),
            env=env,
            stdout=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [int((await p.communicate())[0]) for p in procs]
    assert sum(outputs) == LIMIT, outputs
