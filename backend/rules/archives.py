"""ZIP containers (ZIP, DOCX, XLSX, OFD) are checked before anyone unpacks them: limits on
entries, total unpacked size, compression ratio and nesting; no entry that escapes its folder;
no encrypted entry (its content cannot be checked); and a time limit on the whole inspection,
since a crafted archive can cost far more CPU than its size suggests. Pure: reads, writes
nothing (a nested archive is streamed once, keeping only its central directory)."""

from __future__ import annotations

import io
import posixpath
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
_NESTED_TAIL = 4 * 1024 * 1024  # room for a central directory of MAX_ZIP_ENTRIES long names


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
    # ZipFile makes (16 nested archives of 60 MB cost ~5 s of CPU). Instead it is decompressed
    # once, as a stream, keeping only its tail, where the central directory (all that the
    # check reads) lives; the deadline is checked between chunks. Nothing goes to disk.
    tail = bytearray()
    size = 0
    with archive.open(entry) as inner:
        while chunk := inner.read(_CHUNK):
            size += len(chunk)
            tail += chunk
            del tail[: max(0, len(tail) - _NESTED_TAIL)]
            deadline.check()
            if size > MAX_NESTED_ZIP:
                raise RejectedFile(f"“{original_name}”内的压缩包过大，请解压后重新打包。")
    try:
        nested = zipfile.ZipFile(_TailFile(bytes(tail), size))
    except _BeyondTail:
        raise RejectedFile(f"“{original_name}”内的压缩包目录过大，请解压后重新打包。") from None
    with nested:
        check_archive(nested, original_name, depth + 1, deadline)


class _BeyondTail(zipfile.BadZipFile):
    pass


class _TailFile(io.RawIOBase):
    """A read-only file of `size` bytes of which only the last len(tail) are known: enough
    for ZipFile to read the end record and the central directory, and nothing else."""

    def __init__(self, tail: bytes, size: int) -> None:
        self._tail, self._size, self._pos = tail, size, size

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos - (self._size - len(self._tail))
        if start < 0:
            raise _BeyondTail("before the kept tail")
        end = len(self._tail) if n is None or n < 0 else min(len(self._tail), start + n)
        self._pos += max(0, end - start)
        return self._tail[start:end]
