"""Issue 8, defect 1: an upload that fails after placing its file must never remove a file that
another upload of the same bytes has committed (or is committing) at the same moment."""

from __future__ import annotations

import asyncio

import httpx
from litestar import Litestar

from backend.db.tables import Submission, SubmissionFile, SubmissionVersion
from tests import factories as f
from tests.conftest import client_for
from tests.fixtures import at, csrf_token, sign_in
from tests.integration.test_uploads import PDF, post

PAIRS = 100


async def signed_in(app: Litestar) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, "ent_g")).status_code == 303
    client.headers["X-CSRFToken"] = await csrf_token(client, "/account/password")
    return client


async def test_a_failed_upload_never_removes_a_file_another_upload_committed(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    uploader, second_uploader = await signed_in(app), await signed_in(app)
    g = roster["G"]
    approved, open_item = await f.obligation_id("A6"), await f.obligation_id("A4")
    version = await f.submit(g, approved, at(2023, 11, 1))
    await f.review(version, "approve", at(2023, 11, 2), grade="good")

    contents = [PDF + f"pair {i}".encode() for i in range(PAIRS)]
    for i, content in enumerate(contents):
        # Both carry the same bytes; the one for the approved item gets 409 after placing them.
        doomed = post(uploader, g, approved, [(f"d{i}.pdf", content)])
        kept = post(second_uploader, g, open_item, [(f"k{i}.pdf", content)])
        first, second = (doomed, kept) if i % 2 else (kept, doomed)
        results = await asyncio.gather(first, second)
        codes = sorted(r.status_code for r in results)
        assert codes == [201, 409], [r.text for r in results]

    submission = await Submission.select(Submission.id).where(
        Submission.natural_key == f"{g}:{open_item}"
    )
    files = await SubmissionFile.select(
        SubmissionFile.id, SubmissionFile.original_name, SubmissionFile.version.version_no
    ).where(SubmissionFile.version.submission == submission[0]["id"])
    assert len(files) == PAIRS
    lost = []
    for row in files:
        url = f"/api/v1/submissions/{submission[0]['id']}/files/{row['id']}"
        response = await uploader.get(url)
        expected = contents[int(row["original_name"][1:].removesuffix(".pdf"))]
        if response.status_code != 200 or response.content != expected:
            lost.append((row["original_name"], response.status_code))
    assert not lost, f"{len(lost)} of {PAIRS} committed files cannot be downloaded: {lost[:5]}"
    assert (
        await SubmissionVersion.count().where(SubmissionVersion.submission == submission[0]["id"])
        == PAIRS
    )
    await uploader.aclose()
    await second_uploader.aclose()
