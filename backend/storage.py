"""Content-addressed file store: each distinct content is kept once, under its SHA-256.

Layout: ``root/ab/cd/<sha256>``. Writes go to a temporary file in the target folder, are
flushed and fsynced, then renamed into place, so a reader never sees a partial file."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _checked(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError("sha256 must be 64 lower-case hexadecimal characters")
    return sha256


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        digest = _checked(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def new_incoming(self) -> Path:
        """A fresh temporary path inside the store (same file system, so adopt() is a rename)."""
        folder = self.root / ".incoming"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
        os.close(fd)
        return Path(name)

    def adopt(self, temp_path: Path, sha256: str) -> bool:
        """Move a fully written, fsynced temporary file into place. Returns False when the same
        content was already stored (the temporary copy is dropped: each content is kept once)."""
        target = self.path_for(sha256)
        if target.is_file():
            temp_path.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp_path, target)
        return True

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.is_file():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return digest
