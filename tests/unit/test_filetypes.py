"""The upload rules on files built here: extension allow-list and agreement with the content,
macros, encryption, classification marks in names and first pages, and the inspection deadline."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from backend.rules.archives import Deadline, check_archive
from backend.rules.filetypes import RejectedFile, detect
from backend.rules.secret_marks import secret_mark, stamp_in_text
from tests.samples import docx, encrypted_zip, excel97, ole2, pdf_with_text, word97, zip_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def check(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / "upload"
    path.write_bytes(content)
    return detect(path, name).kind


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("a.PNG", PNG, "png"),
        ("a.doc", word97(), "doc"),
        ("a.wps", word97(), "wps"),
        ("a.xls", excel97(), "xls"),
        ("a.et", excel97(), "et"),
        ("a.docx", docx(["正文"]), "docx"),
        ("a.zip", zip_bytes({"x.pdf": PDF}), "zip"),
    ],
)
def test_accepted(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    assert check(tmp_path, name, content) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.html", PNG, "不在允许范围内"),
        ("noextension", PDF, "没有扩展名"),
        ("a.svg", b"<svg/>", "不在允许范围内"),
        ("a.xls", word97(), "不符"),  # a Word file named as a workbook
        ("a.doc", excel97(), "不符"),
        ("a.docx", zip_bytes({"x.pdf": PDF}), "不符"),  # a plain zip named .docx
        ("a.zip", docx(["正文"]), "不符"),
        ("a.xlsm", zip_bytes({"xl/workbook.xml": b"<w/>"}), "含有宏"),
        ("a.xlsx", zip_bytes({"xl/workbook.xml": b"<w/>", "xl/vbaProject.bin": b"x"}), "含有宏"),
        ("a.doc", word97(macros=True), "含有宏"),
        ("a.docx", encrypted_zip({"word/document.xml": b"<w/>"}), "已加密"),
        ("a.docx", ole2({"EncryptionInfo": b"\x04", "EncryptedPackage": b"\0" * 16}), "已加密"),
        ("a.zip", zip_bytes({"inner.zip": encrypted_zip({"a.pdf": PDF})}), "已加密"),
    ],
)
def test_refused(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    with pytest.raises(RejectedFile, match=message):
        check(tmp_path, name, content)


@pytest.mark.parametrize(
    ("name", "mark"),
    [
        ("秘密材料.pdf", "秘密"),
        ("秘 密材料.pdf", "秘密"),
        ("秘\u3000密材料.pdf", "秘密"),
        ("祕密材料.pdf", "秘密"),
        ("機密.pdf", "机密"),
        ("绝 \u3000密.pdf", "绝密"),
        ("商业秘密保护制度.pdf", None),
        ("商业 秘密.pdf", None),
        ("工作秘密.pdf", None),
        ("年度报告.pdf", None),
    ],
)
def test_marks_in_names(name: str, mark: str | None) -> None:
    assert secret_mark(name) == mark


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("秘密★1年\n关于……的报告", "秘密"),
        ("机 密 ★ 长期", "机密"),
        ("标题\n绝密", "绝密"),
        ("祕密", "秘密"),
        ("本报告不涉及国家秘密", None),
        ("商业秘密", None),
        ("机密文件管理办法（试行）", None),
        ("", None),
    ],
)
def test_stamps_in_text(text: str, mark: str | None) -> None:
    assert stamp_in_text(text) == mark


def test_first_page_stamps(tmp_path: Path) -> None:
    with pytest.raises(RejectedFile, match="首页标有“秘密”密级标志"):
        check(tmp_path, "a.pdf", pdf_with_text(["秘密★1年", "关于某事项的报告"]))
    with pytest.raises(RejectedFile, match="首页标有“机密”密级标志"):
        check(tmp_path, "a.docx", docx(["机密★5年", "正文"]))
    assert check(tmp_path, "a.pdf", pdf_with_text(["关于商业秘密保护的报告"])) == "pdf"


class CountingDeadline(Deadline):
    """Expires after a number of checks: shows where the inspection looks at the clock."""

    def __init__(self, checks: int) -> None:
        super().__init__("包.zip", 3600)
        self.left = checks

    def check(self) -> None:
        self.left -= 1
        if self.left < 0:
            self.ends = 0
        super().check()


def test_the_deadline_is_checked_while_a_nested_archive_is_unpacked(tmp_path: Path) -> None:
    inner = zip_bytes({"a.bin": random.Random(1).randbytes(3 * 1024 * 1024)})
    path = tmp_path / "outer.zip"
    path.write_bytes(zip_bytes({"inner.zip": inner}))
    with zipfile.ZipFile(path) as archive:
        check_archive(archive, "包.zip", 1, CountingDeadline(100))  # enough time: accepted
        with pytest.raises(RejectedFile, match="检查超时"):
            # One check for the entry, then one per MB unpacked: the third check expires.
            check_archive(archive, "包.zip", 1, CountingDeadline(2))
