"""ZIP containers (ZIP, DOCX, XLSX, OFD) are checked before anyone unpacks them: limits on
entries, total unpacked size, compression ratio and nesting; no entry that escapes its folder;
no encrypted entry (its content cannot be checked); and a time limit on the whole inspection,
since a crafted archive can cost far more CPU than its size suggests. Pure: reads, writes
nothing the caller can see (a nested archive is spooled to an anonymous temporary file)."""

from __future__ import annotations

import posixpath
import tempfile
import time
import zipfile

from backend.rules.rejected import RejectedFile

MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNPACKED = 1024 * 1024 * 1024  # 1 GiB
MAX_ZIP_RATIO = 200  # a compression ratio past this is a bomb, not a document
MAX_ZIP_DEPTH = 2
MAX_NESTED_ZIP = 64 * 1024 * 1024  # a zip inside a zip is opened to check it: keep that small
INSPECTION_SECONDS = 10.0
_CHUNK = 1024 * 1024
_SPOOL_IN_MEMORY = 8 * 1024 * 1024


class Deadline:
    """The time one file's inspection may take; `check` refuses the file once it has passed."""

    def __init__(self, original_name: str, seconds: float | None = None) -> None:
        self.original_name = original_name
        self.ends = time.monotonic() + (INSPECTION_SECONDS if seconds is None else seconds)

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise RejectedFile(
                f"“{self.original_name}”结构过于复杂，检查超时，已拒绝；"
                "请解压后重新打包（减少嵌套和文件数量）再上传。"
            )


def check_archive(
    archive: zipfile.ZipFile, original_name: str, depth: int, deadline: Deadline | None = None
) -> None:
    deadline = deadline or Deadline(original_name)
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RejectedFile(f"“{original_name}”内文件超过 {MAX_ZIP_ENTRIES} 个，请拆分后上传。")
    total = 0
    for entry in entries:
        deadline.check()
        name = entry.filename.replace("\\", "/")
        normal = posixpath.normpath(name)
        if name.startswith("/") or normal.startswith("../") or normal == ".." or ":" in name:
            raise RejectedFile(f"“{original_name}”含有非法路径“{entry.filename}”，已拒绝。")
        if entry.flag_bits & 0x1:  # bit 0: the entry is encrypted
            raise RejectedFile(
                f"“{original_name}”已加密（设有密码），系统无法检查其内容，请去除密码后重新上传。"
            )
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
            _check_nested(archive, entry, original_name, depth, deadline)


def _check_nested(
    archive: zipfile.ZipFile,
    entry: zipfile.ZipInfo,
    original_name: str,
    depth: int,
    deadline: Deadline,
) -> None:
    # Opened in place, a nested archive is decompressed again for every backward seek that
    # ZipFile makes; unpacked once into a spool (bounded by MAX_NESTED_ZIP above), it is read
    # at file speed. The deadline is checked between chunks.
    with archive.open(entry) as inner, tempfile.SpooledTemporaryFile(_SPOOL_IN_MEMORY) as spool:
        while chunk := inner.read(_CHUNK):
            spool.write(chunk)
            deadline.check()
            if spool.tell() > MAX_NESTED_ZIP:
                raise RejectedFile(f"“{original_name}”内的压缩包过大，请解压后重新打包。")
        spool.seek(0)
        with zipfile.ZipFile(spool) as nested:
            check_archive(nested, original_name, depth + 1, deadline)
