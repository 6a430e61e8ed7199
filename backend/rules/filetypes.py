"""What an uploaded file really is, judged by its content, and whether its name agrees (allow-list).

Accepted: PDF, OFD, DOC/DOCX, XLS/XLSX, WPS/ET, JPG/PNG, ZIP — each only under its own
extensions, so a PNG named `evil.html` or a PDF named `tool.exe` is refused. OFD, DOCX, XLSX
and ZIP share the ZIP container, and the container's entries decide; DOC, XLS, WPS and ET share
the OLE2 compound file container, and its streams (read with olefile) tell a text document
(WordDocument) from a workbook (Workbook/Book). Refused also: Office files that carry macros
(.docm/.xlsm, a vbaProject.bin in OOXML, a VBA or Macros storage in OLE2 — legacy OLE2 files
are accepted only because they can be checked for these), encrypted containers (ZIP entries
with flag bit 0, password-protected OOXML), and documents whose first page carries a
classification stamp (绝密/机密/秘密). Pure: works on a file path, writes nothing."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from backend.rules.archives import Deadline, check_archive
from backend.rules.doc_text import docx_head_text, pdf_first_page_text
from backend.rules.rejected import RejectedFile
from backend.rules.secret_marks import secret_mark, stamp_in_text

__all__ = ["ALLOWED_HINT", "Detected", "RejectedFile", "detect", "secret_mark"]

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Extension → the kinds its content may be. Nothing outside this list is accepted.
EXTENSIONS = {
    ".pdf": "pdf", ".ofd": "ofd", ".doc": "doc", ".docx": "docx", ".xls": "xls",
    ".xlsx": "xlsx", ".wps": "wps", ".et": "et", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png",
    ".zip": "zip",
}  # fmt: skip
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlsb", ".xlam", ".pptm", ".potm"}
OLE2_TEXT = {".doc": "doc", ".wps": "wps"}
OLE2_SHEET = {".xls": "xls", ".et": "et"}
OLE2_MACRO_STORAGES = {"macros", "vba", "_vba_project_cur", "_vba_project"}
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


@dataclass(frozen=True)
class Detected:
    kind: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def previewable(self) -> bool:
        return self.kind in {"pdf", "jpg", "png"}


def detect(path: Path, original_name: str, deadline: Deadline | None = None) -> Detected:
    deadline = deadline or Deadline(original_name)
    suffix = Path(original_name).suffix.lower()
    if suffix in MACRO_EXTENSIONS:
        raise _macros(original_name)
    if suffix not in EXTENSIONS:
        shown = f"扩展名“{suffix}”" if suffix else "没有扩展名，"
        raise RejectedFile(
            f"“{original_name}”{shown}不在允许范围内（仅接受 {ALLOWED_HINT}），"
            "请另存为上述格式后重新上传。"
        )
    kind = _content_kind(path, original_name, suffix, deadline)
    if EXTENSIONS[suffix] != kind:
        raise RejectedFile(
            f"“{original_name}”的扩展名与文件内容（{KIND_LABELS[kind]}）不符，"
            "请使用与内容一致的扩展名，或另存为正确格式后重新上传。"
        )
    _check_stamp(path, original_name, kind)
    deadline.check()
    return Detected(kind)


def _content_kind(path: Path, original_name: str, suffix: str, deadline: Deadline) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(OLE2):
        return _ole2_kind(path, original_name, suffix)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path, original_name, deadline)
    raise RejectedFile(
        f"“{original_name}”的内容不是允许的文件类型（仅接受 {ALLOWED_HINT}），"
        "改扩展名无效，请另存为上述格式后重新上传。"
    )


def _macros(original_name: str) -> RejectedFile:
    return RejectedFile(
        f"“{original_name}”含有宏（VBA 代码），不予接收；"
        "请另存为不含宏的文档（如 .docx、.xlsx）后重新上传。"
    )


def _encrypted(original_name: str) -> RejectedFile:
    return RejectedFile(
        f"“{original_name}”已加密（设有密码），系统无法检查其内容，请去除密码后重新上传。"
    )


def _ole2_kind(path: Path, original_name: str, suffix: str) -> str:
    import olefile  # type: ignore[import-untyped]

    try:
        with olefile.OleFileIO(str(path)) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except Exception:
        raise RejectedFile(f"“{original_name}”已损坏，无法打开，请重新导出后上传。") from None
    parts = {part.lower() for entry in entries for part in entry}
    tops = {entry[0].lower() for entry in entries if entry}
    if parts & OLE2_MACRO_STORAGES:
        raise _macros(original_name)
    if {"encryptedpackage", "encryptioninfo"} & tops:  # a password-protected docx/xlsx
        raise _encrypted(original_name)
    if "worddocument" in tops:
        return OLE2_TEXT.get(suffix, "doc")
    if {"workbook", "book"} & tops:
        return OLE2_SHEET.get(suffix, "xls")
    raise RejectedFile(
        f"“{original_name}”不是可接受的 Word、Excel 或 WPS 文件（仅接受 {ALLOWED_HINT}），"
        "请另存为上述格式后重新上传。"
    )


def _zip_kind(path: Path, original_name: str, deadline: Deadline) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            check_archive(archive, original_name, depth=1, deadline=deadline)
    except RejectedFile:
        raise
    except Exception:  # corrupt or unsupported compression: refuse, never a 500
        raise RejectedFile(f"“{original_name}”已损坏或加密，无法打开，请重新导出后上传。") from None
    lowered = {name.lower() for name in names}
    is_office = "word/document.xml" in lowered or "xl/workbook.xml" in lowered
    if is_office and any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lowered):
        raise _macros(original_name)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def _check_stamp(path: Path, original_name: str, kind: str) -> None:
    if kind == "pdf":
        text = pdf_first_page_text(path)
    elif kind == "docx":
        text = docx_head_text(path)
    else:
        return
    if mark := stamp_in_text(text):
        raise RejectedFile(
            f"“{original_name}”首页标有“{mark}”密级标志。本系统不得处理涉密信息，"
            "请勿上传国家秘密材料；如系误标，请更正后重新上传。"
        )
