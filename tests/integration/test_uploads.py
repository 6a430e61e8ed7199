"""Uploads lose nothing and let nothing bad in: content-checked, size-limited while streaming,
stored once per content, and a refused or failed upload leaves neither a record nor a file."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from backend.db.tables import AuditEvent, Submission, SubmissionFile, SubmissionVersion
from backend.settings import get_settings
from tests.conftest import client_for
from tests.factories import obligation_id
from tests.fixtures import csrf_token, sign_in

ROSTER_VERSIONS = 3  # tests/fixtures.py: roster() submits three versions without files
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored_files() -> list[Path]:
    root = get_settings().storage_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
async def uploader(app: Litestar, tenant_accounts: dict[str, int]) -> httpx.AsyncClient:
    client = client_for(app)
    assert (await sign_in(client, "ent_g")).status_code == 303
    client.headers["X-CSRFToken"] = await csrf_token(client, "/account/password")
    return client


async def post(
    client: httpx.AsyncClient,
    enterprise: int,
    obligation: int,
    files: list[tuple[str, bytes]],
    **fields: str,
) -> httpx.Response:
    data = {"enterprise_id": str(enterprise), "obligation_id": str(obligation), "not_secret": "1"}
    data.update(fields)
    return await client.post(
        "/api/v1/submissions",
        data=data,
        files=[("files", (name, content, "application/octet-stream")) for name, content in files],
    )


async def nothing_written() -> bool:
    """No new version, file row or stored file (the roster fixture has versions of its own)."""
    return (
        await SubmissionVersion.count() == ROSTER_VERSIONS
        and await SubmissionFile.count() == 0
        and not stored_files()
    )


async def test_a_valid_upload_creates_version_one(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a6 = await obligation_id("A6")
    response = await post(
        uploader,
        roster["G"],
        a6,
        [("自查报告.pdf", PDF)],
        doc_no="包示例发[2023]7号",
        note="请审核",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["version"] == 1 and body["status"] == "submitted"
    assert body["files"][0]["name"] == "自查报告.pdf" and body["files"][0]["size"] == len(PDF)
    version = (
        await SubmissionVersion.select().order_by(SubmissionVersion.id, ascending=False).first()
    )
    assert version["doc_no"] == "包示例发〔2023〕7号"
    assert len(stored_files()) == 1
    assert await AuditEvent.exists().where(AuditEvent.action == "submission_create")
    detail = (await uploader.get(f"/api/v1/submissions/{body['id']}")).json()
    assert detail["versions"][0]["files"][0]["kind"] == "pdf"
    download = await uploader.get(
        f"/api/v1/submissions/{body['id']}/files/{body['files'][0]['id']}"
    )
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert "%E8%87%AA%E6%9F%A5" in download.headers["content-disposition"]
    board = (await uploader.get("/api/v1/board", params={"year": "2023"})).json()
    cells = next(r for r in board["rows"] if r["enterprise"]["id"] == roster["G"])["cells"]
    assert next(c for c in cells if c["obligation_id"] == a6)["status"] == "submitted"


async def test_the_same_content_is_stored_once(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a6, a4 = await obligation_id("A6"), await obligation_id("A4")
    assert (
        await post(uploader, roster["G"], a6, [("a.pdf", PDF), ("b.pdf", PDF)])
    ).status_code == 201
    assert (await post(uploader, roster["G"], a4, [("c.pdf", PDF)])).status_code == 201
    assert await SubmissionFile.count() == 3
    assert len(stored_files()) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, "不是允许的文件类型"),
        ("empty.pdf", b"", "空文件"),
        ("机密材料.pdf", PDF, "涉密"),
    ],
)
async def test_bad_files_are_refused_and_leave_nothing(
    uploader: httpx.AsyncClient, roster: dict[str, int], name: str, content: bytes, message: str
) -> None:
    response = await post(uploader, roster["G"], await obligation_id("A6"), [(name, content)])
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert await nothing_written()
    refused = await AuditEvent.select(AuditEvent.action, AuditEvent.changes).where(
        AuditEvent.action == "upload_refused"
    )
    assert len(refused) == 1 and message in refused[0]["changes"]


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"bomb.txt": b"\x00" * (50 * 1024 * 1024)}, "压缩炸弹"),
        ({"../../etc/cron.d/x": b"evil"}, "非法路径"),
        ({"/abs/path.txt": b"evil"}, "非法路径"),
    ],
)
async def test_dangerous_archives_are_refused(
    uploader: httpx.AsyncClient, roster: dict[str, int], entries: dict[str, bytes], message: str
) -> None:
    response = await post(
        uploader, roster["G"], await obligation_id("A6"), [("材料.zip", zip_bytes(entries))]
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert await nothing_written()


async def test_an_ordinary_zip_and_docx_are_accepted(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    docx = zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    archive = zip_bytes({"附件/说明.pdf": PDF, "附件/表.txt": "中文".encode()})
    response = await post(
        uploader,
        roster["G"],
        await obligation_id("A6"),
        [("制度.docx", docx), ("附件.zip", archive)],
    )
    assert response.status_code == 201, response.text
    kinds = {r["detected_kind"] for r in await SubmissionFile.select(SubmissionFile.detected_kind)}
    assert kinds == {"docx", "zip"}


async def test_a_traversal_file_name_is_flattened(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    response = await post(
        uploader, roster["G"], await obligation_id("A6"), [("../../../etc/passwd.pdf", PDF)]
    )
    assert response.status_code == 201
    assert response.json()["files"][0]["name"] == "passwd.pdf"


async def test_an_oversized_upload_is_refused_while_streaming(
    uploader: httpx.AsyncClient, roster: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from backend.domain.submissions import api

    small = dataclasses.replace(get_settings(), max_upload_mb=1)
    monkeypatch.setattr(api, "get_settings", lambda: small)
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = await post(uploader, roster["G"], await obligation_id("A6"), [("big.pdf", big)])
    assert response.status_code == 413
    assert "1 MB" in response.json()["detail"]
    assert await nothing_written()


async def test_an_interrupted_upload_leaves_nothing(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    client = client_for(app)
    await sign_in(client, "ent_g")
    token = await csrf_token(client, "/account/password")
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="enterprise_id"\r\n\r\n'
        + str(roster["G"]).encode()
        + b'\r\n--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF
    )
    chunks = [head, b"x" * 65536]

    async def receive() -> dict:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": True}
        return {"type": "http.disconnect"}  # the browser went away mid-file

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/v1/submissions", "raw_path": b"/api/v1/submissions",
        "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80), "state": {},
        "headers": [
            (b"host", b"testserver"), (b"cookie", cookies.encode()),
            (b"x-csrftoken", token.encode()),
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"content-length", b"10000000"),
        ],
    }  # fmt: skip
    with contextlib.suppress(Exception):  # the server may give up on a vanished client
        await app(scope, receive, send)
    assert await nothing_written()
    assert not list((get_settings().storage_dir / ".incoming").glob("*"))
    await client.aclose()


async def test_another_enterprises_submission_answers_404(
    app: Litestar, uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    a6 = await obligation_id("A6")
    foreign = await post(uploader, roster["U"], a6, [("x.pdf", PDF)])
    assert foreign.status_code == 404
    own = (await post(uploader, roster["G"], a6, [("x.pdf", PDF)])).json()
    other = client_for(app)
    await sign_in(other, "ent_u")
    for url in (
        f"/api/v1/submissions/{own['id']}",
        f"/api/v1/submissions/{own['id']}/files/{own['files'][0]['id']}",
    ):
        assert (await other.get(url)).status_code == 404
    await other.aclose()


async def test_submission_rules(uploader: httpx.AsyncClient, roster: dict[str, int]) -> None:
    a5, a6, r1 = (
        await obligation_id("A5"),
        await obligation_id("A6"),
        await obligation_id("R1", 2024),
    )
    covered = await post(uploader, roster["G1"], a5, [("x.pdf", PDF)])
    assert covered.status_code == 400 and "由所属集团统一报送" in covered.json()["detail"]
    undeclared = await post(uploader, roster["G"], a6, [("x.pdf", PDF)], not_secret="")
    assert undeclared.status_code == 400 and "国家秘密" in undeclared.json()["detail"]
    wrong_year = await post(uploader, roster["G"], r1, [("x.pdf", PDF)], year="2023")
    assert wrong_year.status_code == 400 and "2024" in wrong_year.json()["detail"]
    bad_doc = await post(uploader, roster["G"], a6, [("x.pdf", PDF)], doc_no="随便写")
    assert bad_doc.status_code == 400 and "发文字号" in bad_doc.json()["detail"]
    assert await Submission.count() == 3  # the roster's own


async def test_reviewers_cannot_upload(
    app: Litestar, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    reviewer = client_for(app)
    await sign_in(reviewer, "reviewer")
    reviewer.headers["X-CSRFToken"] = await csrf_token(reviewer, "/account/password")
    response = await post(reviewer, roster["G"], await obligation_id("A6"), [("x.pdf", PDF)])
    assert response.status_code == 403
    await reviewer.aclose()


async def test_versions_follow_returns_and_an_approval_closes_the_item(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    from tests import factories as f
    from tests.fixtures import at

    a6 = await obligation_id("A6")
    first = (await post(uploader, roster["G"], a6, [("v1.pdf", PDF)])).json()
    version_one = (
        await SubmissionVersion.select(SubmissionVersion.id)
        .where(SubmissionVersion.natural_key == f"{first['id']}:1")
        .first()
    )["id"]
    await f.review(version_one, "return", at(2023, 12, 1))
    second = await post(uploader, roster["G"], a6, [("v2.pdf", PDF + b"v2")])
    assert second.status_code == 201 and second.json()["version"] == 2
    version_two = (
        await SubmissionVersion.select(SubmissionVersion.id)
        .where(SubmissionVersion.natural_key == f"{first['id']}:2")
        .first()
    )["id"]
    await f.review(version_two, "approve", at(2023, 12, 2), grade="good")
    closed = await post(uploader, roster["G"], a6, [("v3.pdf", PDF + b"v3")])
    assert closed.status_code == 409 and "重新打开" in closed.json()["detail"]


async def test_concurrent_versions_of_one_submission_all_land(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    import asyncio

    a6 = await obligation_id("A6")
    responses = await asyncio.gather(
        *(post(uploader, roster["G"], a6, [(f"v{i}.pdf", PDF + bytes([i]))]) for i in range(5))
    )
    assert sorted(r.status_code for r in responses) == [201] * 5
    assert sorted(r.json()["version"] for r in responses) == [1, 2, 3, 4, 5]


async def test_a_corrupt_archive_is_refused_not_a_crash(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    broken = zip_bytes({"a.txt": b"hello " * 100})
    broken = broken[:40] + b"\x00" * 20 + broken[60:]  # damage the first entry's data
    response = await post(uploader, roster["G"], await obligation_id("A6"), [("坏包.zip", broken)])
    assert response.status_code == 400
    assert await nothing_written()


async def test_reviewers_hear_of_a_submission_and_a_resubmission(
    uploader: httpx.AsyncClient, roster: dict[str, int], tenant_accounts: dict[str, int]
) -> None:
    from backend.db.tables import Notification

    a6 = await obligation_id("A6")
    first = await post(uploader, roster["G"], a6, [("报告.pdf", PDF)])
    assert first.status_code == 201, first.text
    notes = await Notification.select().where(Notification.kind == "submission")
    # the admin and the reviewer; not the leader, the auditor or the enterprise
    assert {n["recipient"] for n in notes} == {
        tenant_accounts["admin"],
        tenant_accounts["reviewer"],
    }
    assert notes[0]["title"].startswith("【新报送】市属一级示例集团（示例）：")
    assert notes[0]["link"] == f"/reviews/{first.json()['id']}"
    second = await post(uploader, roster["G"], a6, [("报告2.pdf", PDF + b"2")])
    assert second.status_code == 201, second.text
    again = await Notification.select().where(Notification.title.like("【重新报送】%第 2 版）"))
    assert len(again) == 2
