"""Give memory back after a burst of large builds.

A board or an export allocates tens of MB of short-lived objects. CPython frees them, but glibc
keeps the freed pages in its arenas (one per thread that allocated), so the process stays at its
peak long after the burst: 112 MB grew to 1.1 GB and stayed there. Once the expensive requests
have been quiet for a moment, a collection and `malloc_trim(0)` return the pages to the system.
Done when idle, not after each build, so a burst is not slowed by it."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

log = logging.getLogger("hegui")
QUIET_S = 2.0
CHECK_EVERY_S = 1.0


def _load_trim() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): collection alone
        return None


_malloc_trim = _load_trim()


class Heavy:
    """Counts expensive requests in flight and whether any ran since the last trim."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.dirty = False
        self.last_end = 0.0
        self.trims = 0

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        self.in_flight += 1
        self.dirty = True
        try:
            yield
        finally:
            self.in_flight -= 1
            self.last_end = time.monotonic()

    def should_trim(self) -> bool:
        quiet = time.monotonic() - self.last_end >= QUIET_S
        return self.dirty and self.in_flight == 0 and quiet

    def trim(self) -> None:
        self.dirty = False
        gc.collect()
        if _malloc_trim is not None:
            _malloc_trim(0)
        self.trims += 1


HEAVY = Heavy()


@contextlib.asynccontextmanager
async def memory_lifespan(_app: Any = None) -> AsyncIterator[None]:
    async def watch() -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY_S)
            if HEAVY.should_trim():
                HEAVY.trim()

    task = asyncio.create_task(watch())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
