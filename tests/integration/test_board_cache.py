"""Defect 8 (issue 8): the board is not rebuilt when nothing changed (weak ETag on the data
version → 304; a bounded cache keyed by version, filters and tenancy scope), and work for a
client that has gone is cancelled (checked at the ASGI level with a real http.disconnect)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from litestar import Litestar

from tests import factories as f
from tests.conftest import client_for
from tests.fixtures import at, sign_in

AS_OF = {"as_of": "2024-01-31"}


def builds(app: Litestar) -> int:
    return app.state.boards.builds if "boards" in app.state else 0


async def test_etag_gives_304_until_the_data_changes(
    app: Litestar, staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    first = await staff.get("/api/v1/board", params=AS_OF)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    built = builds(app)
    again = await staff.get("/api/v1/board", params=AS_OF, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert builds(app) == built  # a 304 builds nothing
    # Another filter is another answer.
    other = await staff.get(
        "/api/v1/board", params={**AS_OF, "group": "T1"}, headers={"If-None-Match": tag}
    )
    assert other.status_code == 200 and other.headers["etag"] != tag

    # A write the board shows: a submission on a cell that had none.
    row = next(r for r in first.json()["rows"] if r["enterprise"]["id"] == roster["U"])
    cell = next(c for c in row["cells"] if c["submitted_at"] is None)
    await f.submit(roster["U"], cell["obligation_id"], at(2024, 1, 10))
    changed = await staff.get("/api/v1/board", params=AS_OF, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    row = next(r for r in changed.json()["rows"] if r["enterprise"]["id"] == roster["U"])
    now = next(c for c in row["cells"] if c["obligation_id"] == cell["obligation_id"])
    assert now["submitted_at"] is not None  # not the cached board


async def test_the_same_board_is_built_once_for_many_requests(
    app: Litestar, staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    responses = await asyncio.gather(*(staff.get("/api/v1/board", params=AS_OF) for _ in range(6)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1
    assert builds(app) == 1
    assert (await staff.get("/board", params=AS_OF)).status_code == 200  # page: first 40 groups
    page_builds = builds(app)
    assert (await staff.get("/board", params=AS_OF)).status_code == 200
    assert builds(app) == page_builds


async def test_scopes_never_share_a_board_or_a_tag(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    bodies: dict[str, Any] = {}
    tags: dict[str, str] = {}
    for username in ("ent_g", "ent_u"):  # the same filters and data version
        async with client_for(app) as client:
            assert (await sign_in(client, username)).status_code == 303
            response = await client.get("/api/v1/board", params=AS_OF)
            assert response.status_code == 200
            bodies[username], tags[username] = response.json(), response.headers["etag"]
            if username == "ent_u":  # G's tag means nothing to U
                reused = await client.get(
                    "/api/v1/board", params=AS_OF, headers={"If-None-Match": tags["ent_g"]}
                )
                assert reused.status_code == 200
    ids = {u: {r["enterprise"]["id"] for r in b["rows"]} for u, b in bodies.items()}
    assert roster["G"] in ids["ent_g"] and roster["U"] not in ids["ent_g"]
    assert ids["ent_u"] == {roster["U"]}
    assert tags["ent_g"] != tags["ent_u"]
    # Two sessions of the same kind of page never revalidate each other's copy.
    async with client_for(app) as a, client_for(app) as b:
        assert (await sign_in(a, "reviewer")).status_code == 303
        assert (await sign_in(b, "reviewer")).status_code == 303
        page = await a.get("/board", params=AS_OF)
        if_tag = {"If-None-Match": page.headers["etag"]}
        assert (await a.get("/board", params=AS_OF, headers=if_tag)).status_code == 304
        assert (await b.get("/board", params=AS_OF, headers=if_tag)).status_code == 200


class SlowBuild:
    """Wraps the real build: holds it until released, and records whether it was cancelled."""

    def __init__(self, real: Any) -> None:
        self.real, self.started, self.cancelled = real, asyncio.Event(), False

    async def __call__(self, *args: Any) -> Any:
        self.started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return await self.real(*args)


async def test_a_client_that_disconnects_stops_the_build(
    app: Litestar, staff: httpx.AsyncClient, roster: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.domain.board.serving as serving

    slow = SlowBuild(serving.build_board_page)
    monkeypatch.setattr(serving, "build_board_page", slow)
    cookie = "; ".join(f"{k}={v}" for k, v in staff.cookies.items())
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/api/v1/board", "raw_path": b"/api/v1/board",
        "query_string": b"as_of=2024-01-31", "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {},
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not receive.__dict__.get("body_sent"):
            receive.__dict__["body_sent"] = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await slow.started.wait()  # the client leaves once the work has begun
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    started = time.monotonic()
    await asyncio.wait_for(app(scope, receive, send), timeout=10)  # type: ignore[arg-type]
    assert slow.cancelled, "the build went on for a client that had left"
    assert time.monotonic() - started < 5
    statuses = [m["status"] for m in sent if m["type"] == "http.response.start"]
    assert statuses in ([], [499])
    assert not board_cache_holds_anything(app)


def board_cache_holds_anything(app: Litestar) -> bool:
    return "boards" in app.state and bool(app.state.boards._done)


async def test_a_build_past_the_time_limit_stops_with_a_chinese_503(
    staff: httpx.AsyncClient, roster: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.domain.board.serving as serving
    import backend.web.cancel as cancel

    slow = SlowBuild(serving.build_board_page)
    monkeypatch.setattr(serving, "build_board_page", slow)
    monkeypatch.setattr(cancel, "REQUEST_TIME_LIMIT_S", 0.3)
    response = await staff.get("/api/v1/board", params=AS_OF)
    assert response.status_code == 503
    assert "处理时间过长" in response.json()["detail"]
    assert slow.cancelled
