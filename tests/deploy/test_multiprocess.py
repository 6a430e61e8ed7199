"""Several app processes are one site: real `hegui serve` processes (one with two workers, one
alone on a second port) and a real `hegui worker`, on the suite's database (and Redis when set).
Requests spread over the processes, a session made in one is valid in another, a lockout is
counted across them, and a job one of them enqueues is run by the worker."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.db.tables import Account, ExportJob
from tests.fixtures import CSRF_FIELD, PASSWORD
from tests.processes import Proc, serve, start, wait_for_line

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL unset: the Redis run is the optional CI pass"
)
FAILURES = 3


@pytest.fixture
def sites(tenant_accounts: dict[str, int], tmp_path: Path) -> Iterator[tuple[Proc, Proc]]:
    """`hegui serve --workers 2` on one port and `hegui serve` on another, same data."""
    env = {"LOGIN_MAX_FAILURES": str(FAILURES)}
    pair = serve(tmp_path, workers=2, name="pair", **env)
    single = serve(tmp_path, workers=1, name="single", **env)
    a = next(pair)
    try:
        b = next(single)
        try:
            yield a, b
        finally:
            next(single, None)
    finally:
        next(pair, None)


def fresh_client(base: str) -> httpx.AsyncClient:
    """No keep-alive: every request opens a new connection, which any worker may accept."""
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=30)


def rid() -> str:
    return "t" + secrets.token_hex(8)


async def tagged(
    client: httpx.AsyncClient, method: str, url: str, **kwargs: object
) -> tuple[httpx.Response, str]:
    request_id = rid()
    headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[call-overload]
    headers["X-Request-ID"] = request_id
    response = await client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert response.headers["x-request-id"] == request_id  # echoed
    return response, request_id


async def login(
    client: httpx.AsyncClient, base: str, username: str, password: str
) -> tuple[httpx.Response, str]:
    page = await client.get(base + "/login")
    token = CSRF_FIELD.search(page.text)
    assert token, page.text[:500]
    return await tagged(
        client,
        "POST",
        base + "/login",
        data={"username": username, "password": password, "_csrf_token": token.group(1)},
        follow_redirects=False,
    )


async def test_requests_spread_over_two_worker_processes(sites: tuple[Proc, Proc]) -> None:
    pair, _ = sites
    seen: dict[str, int] = {}
    async with fresh_client(pair.url) as client:
        for _ in range(20):  # the kernel hands each new connection to a waiting worker
            batch = await asyncio.gather(*(tagged(client, "GET", "/login") for _ in range(16)))
            assert all(r.status_code == 200 for r, _ in batch)
            await asyncio.sleep(0.3)  # the access line is written as the answer completes
            seen = pair.pids_by_request()
            if len(set(seen.values())) >= 2:
                break
    assert len(set(seen.values())) == 2, f"one process served everything: {set(seen.values())}"
    assert pair.process.pid not in seen.values()  # the supervisor only supervises


async def test_a_session_made_in_one_process_is_valid_in_another(
    sites: tuple[Proc, Proc],
) -> None:
    pair, single = sites
    async with fresh_client(pair.url) as client:
        response, login_id = await login(client, pair.url, "reviewer", PASSWORD)
        assert response.status_code == 303, response.text
        # The same cookie at the other process (another port, another pid), then back.
        served: list[tuple[str, Proc]] = []
        for base, proc in ((single.url, single), (pair.url, pair), (single.url, single)):
            page, request_id = await tagged(client, "GET", base + "/board", follow_redirects=False)
            assert page.status_code == 200, (base, page.status_code, page.headers)
            assert "进度看板" in page.text
            served.append((request_id, proc))
        # A state change signed with a CSRF token from one process, accepted by the other.
        token = CSRF_FIELD.search((await client.get(pair.url + "/account/password")).text)
        assert token
        out, _ = await tagged(
            client,
            "POST",
            single.url + "/logout",
            data={"_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert out.status_code in (302, 303), out.text
        gone = await client.get(pair.url + "/board", follow_redirects=False)
        assert gone.status_code in (302, 303)  # signed out everywhere
    await asyncio.sleep(0.3)
    pids = {**pair.pids_by_request(), **single.pids_by_request()}
    login_pid = pids[login_id]
    other = [pids[r] for r, _ in served]
    assert any(pid != login_pid for pid in other), (login_pid, other)


async def test_a_lockout_is_counted_across_processes(sites: tuple[Proc, Proc]) -> None:
    pair, single = sites
    ids = []
    async with fresh_client(pair.url) as client:
        for n in range(FAILURES):
            base = (pair.url, single.url)[n % 2]
            response, request_id = await login(client, base, "leader", "wrong-Passw0rd!")
            assert response.status_code != 303
            ids.append(request_id)
        # The right password is now refused at either process: the count was one count.
        for base in (single.url, pair.url):
            response, _ = await login(client, base, "leader", PASSWORD)
            assert response.status_code != 303
            assert "锁定" in response.text
    row = await Account.select(Account.failed_logins, Account.locked_until).where(
        Account.username == "leader"
    )
    assert row[0]["locked_until"] is not None
    await asyncio.sleep(0.3)
    pids = {**pair.pids_by_request(), **single.pids_by_request()}
    assert len({pids[r] for r in ids}) >= 2


@pytest.mark.redis
@needs_redis
async def test_a_job_enqueued_by_one_process_is_run_by_the_worker(
    sites: tuple[Proc, Proc], tmp_path: Path
) -> None:
    pair, single = sites
    worker = start(["worker"], tmp_path / "worker.log", dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        wait_for_line(worker, "Starting worker")
        async with fresh_client(single.url) as client:
            response, _ = await login(client, single.url, "reviewer", PASSWORD)
            assert response.status_code == 303
            token = CSRF_FIELD.search((await client.get(pair.url + "/exports")).text)
            assert token
            created, _ = await tagged(
                client,
                "POST",
                pair.url + "/exports",
                data={"kind": "board", "as_of": "2024-01-31", "_csrf_token": token.group(1)},
                headers={"HX-Request": "true"},
            )
            assert created.status_code == 200, created.text
        for _ in range(300):
            job = await ExportJob.select().order_by(ExportJob.id, ascending=False).first()
            if job and job["status"] in ("done", "failed"):
                break
            await asyncio.sleep(0.2)
        assert job is not None and job["status"] == "done", job
        assert f"export_file({job['id']})" in worker.log_text()  # the worker ran it
        assert "export_file" not in pair.log_text() + single.log_text()
    finally:
        worker.stop()
