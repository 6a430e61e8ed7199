"""What an uploaded file really is, judged by its content, not its name (allow-list).

Accepted: PDF, OFD, DOC/DOCX, XLS/XLSX, WPS/ET, JPG/PNG, ZIP. OFD, DOCX, XLSX and ZIP share the
ZIP container, so the container's entries decide; DOC, XLS, WPS and ET share the OLE2 compound
file container, and since their streams cannot be told apart cheaply, the extension picks among
them. A ZIP is accepted only within limits on entries, total unpacked size and nesting, and with
no entry that escapes its folder. Pure: works on a file path, writes nothing."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNPACKED = 1024 * 1024 * 1024  # 1 GiB
MAX_ZIP_RATIO = 200  # a compression ratio past this is a bomb, not a document
MAX_ZIP_DEPTH = 2
MAX_NESTED_ZIP = 64 * 1024 * 1024  # a zip inside a zip is opened to check it: keep that small

OLE2_KINDS = {".doc": "doc", ".xls": "xls", ".wps": "wps", ".et": "et"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
}
KIND_LABELS = {
    "pdf": "PDF", "ofd": "OFD", "docx": "Word", "doc": "Word", "xlsx": "Excel", "xls": "Excel",
    "wps": "WPS 文字", "et": "WPS 表格", "jpg": "JPG 图片", "png": "PNG 图片", "zip": "ZIP 压缩包",
}  # fmt: skip
ALLOWED_HINT = "PDF、OFD、Word（doc/docx）、Excel（xls/xlsx）、WPS（wps/et）、JPG、PNG 或 ZIP"


class RejectedFile(ValueError):
    """The file is not accepted; the message says why and what to do, in Chinese."""


@dataclass(frozen=True)
class Detected:
    kind: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def previewable(self) -> bool:
        return self.kind in {"pdf", "jpg", "png"}


def detect(path: Path, original_name: str) -> Detected:
    with path.open("rb") as f:
        head = f.read(16)
    suffix = Path(original_name).suffix.lower()
    if head.startswith(b"%PDF-"):
        return Detected("pdf")
    if head.startswith(b"\xff\xd8\xff"):
        return Detected("jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected("png")
    if head.startswith(OLE2):
        if suffix in OLE2_KINDS:
            return Detected(OLE2_KINDS[suffix])
        raise RejectedFile(
            f"“{original_name}”是 Office 旧格式文件，请使用 .doc/.xls/.wps/.et 扩展名。"
        )
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return Detected(_zip_kind(path, original_name))
    raise RejectedFile(
        f"“{original_name}”的内容不是允许的文件类型（仅接受 {ALLOWED_HINT}），"
        "改扩展名无效，请另存为上述格式后重新上传。"
    )


def _zip_kind(path: Path, original_name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            check_archive(archive, original_name, depth=1)
    except RejectedFile:
        raise
    except Exception:  # corrupt, encrypted or unsupported compression: refuse, never a 500
        raise RejectedFile(f"“{original_name}”已损坏或加密，无法打开，请重新导出后上传。") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def check_archive(archive: zipfile.ZipFile, original_name: str, depth: int) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RejectedFile(f"“{original_name}”内文件超过 {MAX_ZIP_ENTRIES} 个，请拆分后上传。")
    total = 0
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        normal = posixpath.normpath(name)
        if name.startswith("/") or normal.startswith("../") or normal == ".." or ":" in name:
            raise RejectedFile(f"“{original_name}”含有非法路径“{entry.filename}”，已拒绝。")
        total += entry.file_size
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_ZIP_RATIO:
            raise RejectedFile(f"“{original_name}”压缩比异常（疑似压缩炸弹），已拒绝。")
        if total > MAX_ZIP_UNPACKED:
            raise RejectedFile(f"“{original_name}”解压后超过 1 GB，请拆分后上传。")
        if name.lower().endswith(".zip"):
            if entry.file_size > MAX_NESTED_ZIP:
                raise RejectedFile(f"“{original_name}”内的压缩包过大，请解压后重新打包。")
            if depth >= MAX_ZIP_DEPTH:
                raise RejectedFile(f"“{original_name}”压缩包嵌套过深，请解压后重新打包。")
            with archive.open(entry) as inner, zipfile.ZipFile(inner) as nested:
                check_archive(nested, original_name, depth + 1)
    if total > MAX_ZIP_UNPACKED:
        raise RejectedFile(f"“{original_name}”解压后超过 1 GB，请拆分后上传。")


SECRET_MARKS = ("绝密", "机密", "秘密")


NOT_STATE_SECRETS = ("商业秘密", "工作秘密")  # trade and work secrets are not classified


def secret_mark(original_name: str) -> str | None:
    """A file named as classified (绝密/机密/秘密) is refused: this system is not cleared for it."""
    name = original_name
    for phrase in NOT_STATE_SECRETS:
        name = name.replace(phrase, "")
    return next((m for m in SECRET_MARKS if m in name), None)
