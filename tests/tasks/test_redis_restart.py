"""Issue 10 (operations): Redis stopped while the app runs. The pages keep serving, enqueueing
answers a plain Chinese 503 at once, and once Redis is back the same app enqueues again without a
restart. A private redis-server on a free loopback port, so the shared one is never stopped."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from backend.db.tables import ExportJob
from tests.fixtures import csrf_token
from tests.tasks.test_job_deadline import running, signed_in

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_on(port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError(f"redis-server did not start on port {port}")
        yield process
    finally:
        process.terminate()
        process.wait(10)


async def enqueue(client: httpx.AsyncClient) -> httpx.Response:
    token = await csrf_token(client, "/exports")
    return await client.post(
        "/exports",
        data={"kind": "board", "as_of": "2024-01-31", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )


async def test_pages_serve_while_redis_is_stopped_and_enqueueing_resumes_after(
    roster: dict[str, int], accounts: dict[str, int]
) -> None:
    port = free_port()
    with redis_on(port) as first:
        async with running(f"redis://127.0.0.1:{port}/0") as app, signed_in(app) as client:
            assert (await enqueue(client)).status_code == 200  # Redis answers: queued

            first.terminate()  # Redis stops while the app runs
            first.wait(10)
            started = time.monotonic()
            for path in (
                "/dashboard",
                "/board",
                "/reviews",
                "/notifications",
                "/exports",
                "/healthz",
            ):
                response = await client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            refused = await enqueue(client)
            assert refused.status_code == 503, refused.text
            assert "后台任务服务暂时无法连接" in refused.text
            assert (await client.get("/readyz")).json()["queue"] == "unavailable"
            assert time.monotonic() - started < 15, "pages waited on the stopped Redis"

            with redis_on(port):  # back on the same address: the app reconnects by itself
                for _ in range(40):
                    again = await enqueue(client)
                    if again.status_code == 200:
                        break
                    await asyncio.sleep(0.25)
                assert again.status_code == 200, again.text
                assert (await client.get("/readyz")).json()["queue"] == "ok"
    jobs = await ExportJob.select(ExportJob.status).order_by(ExportJob.id)
    assert [job["status"] for job in jobs].count("failed") == 1  # only the refused one
