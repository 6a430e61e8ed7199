"""Content-addressed file store: each distinct content is kept once, under its SHA-256.

Layout: ``root/ab/cd/<sha256>``. Writes go to a temporary file in the target folder, are
flushed and fsynced, then renamed into place, so a reader never sees a partial file.

Removal. A blob is shared by every row with the same content, and a row is written in a
transaction that commits *after* the blob was adopted. So a failed upload can never know
whether another upload, still in flight, is about to commit a row pointing to the same blob:
unlinking on the failure path lost committed files (issue 8, defect 1). Hence the rule here:
nothing but the sweep (`backend/storage_sweep.py`) removes a blob, and the sweep removes only a
blob that no row references AND that nobody has adopted for longer than the grace period
(longer than any upload takes from adoption to commit). Adopting a blob that already exists
refreshes its mtime, and adoption and the sweep's last look-and-unlink exclude each other with
a file lock, so a blob being adopted right now is never the one unlinked. We chose this over
reference counting inside the transaction: it needs no schema change, costs nothing on the
upload path, and works the same on SQLite and PostgreSQL and across processes on one host."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"[0-9a-f]{64}")
INCOMING = ".incoming"


def _checked(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError("sha256 must be 64 lower-case hexadecimal characters")
    return sha256


@dataclass(frozen=True)
class Leftover:
    """A file the sweep may consider: a blob or a temporary, with its age and size."""

    path: Path
    size: int
    mtime: float
    sha256: str = ""  # set for blobs only


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

    @contextlib.contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        """Adoption takes the lock shared (adoptions run side by side); the sweep's final
        check-and-unlink of one blob takes it exclusive. flock works across processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root, os.O_RDONLY)  # the root folder itself: no extra file to list
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def new_incoming(self) -> Path:
        """A fresh temporary path inside the store (same file system, so adopt() is a rename)."""
        folder = self.root / INCOMING
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
        os.close(fd)
        return Path(name)

    def adopt(self, temp_path: Path, sha256: str) -> bool:
        """Move a fully written, fsynced temporary file into place. Returns False when the same
        content was already stored (the temporary copy is dropped: each content is kept once);
        its mtime is then refreshed, which tells the sweep it is in use again."""
        target = self.path_for(sha256)
        with self._locked(exclusive=False):
            if target.is_file():
                os.utime(target)
                temp_path.unlink(missing_ok=True)
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_path, target)
            return True

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            self.adopt(Path(tmp_name), digest)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return digest

    # --- what the sweep looks at ---------------------------------------------------------

    def blobs(self) -> Iterator[Leftover]:
        """Every stored blob (files named by their hash in the two-level layout)."""
        for first in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for path in sorted(first.glob("[0-9a-f][0-9a-f]/*")):
                if _SHA256.fullmatch(path.name) and path.name.startswith(first.name):
                    with contextlib.suppress(FileNotFoundError):
                        st = path.stat()
                        yield Leftover(path, st.st_size, st.st_mtime, path.name)

    def temporaries(self) -> Iterator[Leftover]:
        """Upload parts and export files being written (`.incoming/`), and put_bytes'
        half-written `.tmp-*` files beside the blobs: all that a crash can leave behind."""
        folders = [self.root / INCOMING]
        paths = [p for f in folders if f.is_dir() for p in sorted(f.iterdir())]
        paths += sorted(self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/.tmp-*"))
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                st = path.lstat()
                if path.is_file() or path.is_symlink():
                    yield Leftover(path, st.st_size, st.st_mtime)

    def remove_stale_blob(self, sha256: str, older_than: float) -> bool:
        """Unlink the blob only if it was not adopted since `older_than` (epoch seconds);
        the caller has checked that no row references it. Returns whether it was removed."""
        target = self.path_for(sha256)
        with self._locked(exclusive=True):
            try:
                if target.stat().st_mtime >= older_than:
                    return False
                target.unlink()
            except FileNotFoundError:
                return False
        return True

    @staticmethod
    def remove_stale_temporary(path: Path, older_than: float) -> bool:
        """Temporaries are private to one request or job: one untouched for the grace period
        belongs to a process that is gone."""
        try:
            if path.lstat().st_mtime >= older_than:
                return False
            path.unlink()
        except FileNotFoundError:
            return False
        return True
