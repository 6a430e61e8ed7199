"""Issue 8, defects 5 and 9: the name must agree with the content; no macros, no encrypted
archives, no classified stamps; MAX_UPLOAD_MB is a per-file limit; archive inspection has a
time limit. Each refusal answers 400 (413 for size) in Chinese and leaves nothing behind."""

from __future__ import annotations

import dataclasses
import random

import httpx
import pytest

from backend.db.tables import SubmissionFile
from backend.settings import get_settings
from tests.factories import obligation_id
from tests.integration.test_uploads import PDF, nothing_written, post
from tests.integration.test_uploads import uploader as uploader  # the shared fixture
from tests.samples import (
    docx,
    encrypted_zip,
    excel97,
    pdf_with_text,
    word97,
    zip_bytes,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.html", PNG, "扩展名“.html”不在允许范围内"),
        ("tool.exe", PDF, "扩展名“.exe”不在允许范围内"),
        ("app.jar", zip_bytes({"META-INF/MANIFEST.MF": b"Main-Class: X"}), "“.jar”不在允许范围内"),
        ("图片.pdf", PNG, "扩展名与文件内容（PNG 图片）不符"),
        ("制度.docx", docx(["正文"], {"word/vbaProject.bin": b"\0" * 64}), "含有宏"),
        ("制度.docm", docx(["正文"]), "含有宏"),
        ("旧制度.doc", word97(macros=True), "含有宏"),
        ("台账.xls", excel97(macros=True), "含有宏"),
        ("材料.zip", encrypted_zip({"a.pdf": PDF}), "已加密"),
        ("秘 密材料.pdf", PDF, "标有“秘密”字样"),
        ("祕密材料.pdf", PDF, "标有“秘密”字样"),
        ("机\u3000密方案.pdf", PDF, "标有“机密”字样"),
        ("方案.pdf", pdf_with_text(["机 密★5年", "关于某事项的方案"]), "首页标有“机密”密级标志"),
        ("通知.docx", docx(["绝密★长期", "关于某事项的通知"]), "首页标有“绝密”密级标志"),
    ],
)
async def test_refused_kinds(
    uploader: httpx.AsyncClient, roster: dict[str, int], name: str, content: bytes, message: str
) -> None:
    response = await post(uploader, roster["G"], await obligation_id("A6"), [(name, content)])
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    assert await nothing_written()


async def test_clean_office_files_and_prose_about_secrets_are_accepted(
    uploader: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    files = [
        ("旧制度.doc", word97()),
        ("台账.et", excel97()),
        ("商业秘密保护制度.pdf", pdf_with_text(["商业秘密保护制度", "本制度不涉及国家秘密。"])),
        ("保密须知.docx", docx(["保密须知", "严禁在本系统处理涉密信息，秘密级以上文件线下报送。"])),
        ("照片.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 64),
    ]
    response = await post(uploader, roster["G"], await obligation_id("A6"), files)
    assert response.status_code == 201, response.text
    kinds = sorted(r["detected_kind"] for r in await SubmissionFile.select())
    assert kinds == ["doc", "docx", "et", "jpg", "pdf"]


@pytest.fixture
def one_mb_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    from backend.domain.submissions import api

    small = dataclasses.replace(get_settings(), max_upload_mb=1)
    monkeypatch.setattr(api, "get_settings", lambda: small)
    return 1024 * 1024


async def test_a_file_of_exactly_max_upload_mb_is_accepted(
    uploader: httpx.AsyncClient, roster: dict[str, int], one_mb_limit: int
) -> None:
    exact = PDF + b"0" * (one_mb_limit - len(PDF))
    a6 = await obligation_id("A6")
    response = await post(uploader, roster["G"], a6, [("整.pdf", exact)])
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["size"] == one_mb_limit
    over = await post(uploader, roster["G"], a6, [("超.pdf", exact + b"0")])
    assert over.status_code == 413
    assert "“超.pdf”超过单个文件 1 MB 的限制" in over.json()["detail"]


async def test_archive_inspection_is_bounded_by_time(
    uploader: httpx.AsyncClient, roster: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.rules import archives

    # Nested archives of a few MB each: within every size limit, but each one must be
    # unpacked to be checked. With a tiny time budget the inspection gives up, in Chinese.
    inner = zip_bytes({"a.bin": random.Random(8).randbytes(1024 * 1024)})
    outer = zip_bytes({f"part{i}.zip": inner for i in range(4)})
    monkeypatch.setattr(archives, "INSPECTION_SECONDS", 0.001)
    response = await post(uploader, roster["G"], await obligation_id("A6"), [("包.zip", outer)])
    assert response.status_code == 400, response.text
    assert "检查超时" in response.json()["detail"]
    assert await nothing_written()
