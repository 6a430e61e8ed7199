"""Stopping `hegui serve` (SIGTERM, as systemd, docker or Ctrl+C do) lets an upload in flight
finish and be stored, refuses new connections meanwhile, and then exits cleanly."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from backend.db.tables import SubmissionFile
from tests.factories import obligation_id
from tests.fixtures import CSRF_FIELD, PASSWORD
from tests.processes import Proc, serve

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BOUNDARY = "heguiGracefulStopBoundary"


@pytest.fixture
def site(tenant_accounts: dict[str, int], tmp_path: Path) -> Iterator[Proc]:
    yield from serve(tmp_path, workers=2, name="graceful", HEGUI_SHUTDOWN_GRACE_SECONDS="30")


def field(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


async def test_an_upload_in_flight_finishes_when_the_server_is_stopped(
    site: Proc, roster: dict[str, int]
) -> None:
    a6 = await obligation_id("A6")
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as client:
        page = await client.get("/login")
        token = CSRF_FIELD.search(page.text)
        assert token
        signed = await client.post(
            "/login",
            data={"username": "ent_g", "password": PASSWORD, "_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        form_token = CSRF_FIELD.search((await client.get("/account/password")).text)
        assert form_token
        head = (
            field("enterprise_id", str(roster["G"]))
            + field("obligation_id", str(a6))
            + field("not_secret", "1")
            + (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
                'filename="stop.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
        )
        tail = PDF + f"\r\n--{BOUNDARY}--\r\n".encode()
        half_sent, stopped = asyncio.Event(), asyncio.Event()

        async def body() -> AsyncIterator[bytes]:
            yield head
            yield PDF[:10]
            half_sent.set()
            await stopped.wait()
            await asyncio.sleep(1.5)  # the server is shutting down while this upload goes on
            yield PDF[10:]
            yield tail[len(PDF) :]

        upload = asyncio.create_task(
            client.post(
                "/api/v1/submissions",
                content=body(),
                headers={
                    "content-type": f"multipart/form-data; boundary={BOUNDARY}",
                    "x-csrftoken": form_token.group(1),
                },
            )
        )
        await half_sent.wait()
        await asyncio.sleep(0.5)
        site.process.send_signal(signal.SIGTERM)
        # Meanwhile nobody new gets in (once the signal has reached the workers).
        refused = False
        for _ in range(40):
            try:
                async with httpx.AsyncClient(base_url=site.url, timeout=2) as other:
                    await other.get("/healthz")
            except httpx.TransportError:
                refused = True
                break
            await asyncio.sleep(0.25)
        assert refused, "the stopping server still took new requests"
        assert not upload.done()
        stopped.set()
        response = await upload
    assert response.status_code == 201, response.text
    assert await SubmissionFile.count() == 1
    assert await asyncio.to_thread(site.process.wait, 30) == 0
    assert "Shutting down" in site.log_text() or "Finished server process" in site.log_text()
