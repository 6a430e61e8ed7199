"""The board is not rebuilt for every request when nothing changed.

`data_version()` is one cheap query over everything the board reads: the head of the audit log
(every change of state in the app is audited) plus the row count and highest id of each table
the board reads, and the programmes' load time (a programme reload from the command line is not
audited). It changes whenever the board could.

`BoardCache` keeps the few most recent boards keyed by (data version, filters, tenancy scope,
window): an enterprise user's scope is part of the key, so two scopes never share a board. The
filters carry the as-of *date*, which is all the board looks at ("today" is the date in Shanghai,
so the key rolls over at midnight). Requests for a board being built wait for that build instead
of starting their own; a build nobody waits for any more is cancelled."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from backend.db import fastread

T = TypeVar("T")

_TABLES: tuple[str, ...] = (
    "enterprise",
    "obligation",
    "submission",
    "submission_version",
    "review",
    "exemption",
)
_TABLES += ("finding", "finding_event")  # the board's 整改 columns
_SMALL_TABLES = ("enterprise", "obligation", "exemption", "finding", "finding_event")
VERSION_SQL = "SELECT " + ", ".join(
    [
        # Every change of state is audited; the time of the last event also tells a restored
        # or reset database from the one the cache saw.
        "(SELECT max(id) FROM audit_event)",
        "(SELECT max(occurred_at) FROM audit_event)",
        # What changes without an audit event: programme loads, and rows written by tools.
        "(SELECT max(loaded_at) FROM programme)",
        "(SELECT count(*) FROM programme)",
        "(SELECT count(*) FROM obligation WHERE active)",
        "(SELECT max(updated_at) FROM enterprise)",
        "(SELECT max(submitted_at) FROM submission_version)",
        "(SELECT max(released_at) FROM review)",
        "(SELECT count(revoked_at) FROM exemption)",
        "(SELECT max(revoked_at) FROM exemption)",
        "(SELECT max(granted_at) FROM exemption)",
    ]
    + [f"(SELECT max(id) FROM {t})" for t in _TABLES]
    # Row counts catch deletions; the history tables only grow (a discarded draft review is
    # the one row deleted there, and drafts do not show), and counting them is a full scan
    # on every request: hundreds of thousands of rows at province scale.
    + [f"(SELECT count(*) FROM {t})" for t in _SMALL_TABLES]
)


async def data_version() -> str:
    row = (await fastread.fetch_tuples(VERSION_SQL))[0]
    return hashlib.blake2b(repr(tuple(row)).encode(), digest_size=12).hexdigest()


def weak_etag(*parts: Any) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 weak comparison: W/ prefixes are ignored, `*` matches any current tag."""
    if not if_none_match:
        return False
    bare = tag.removeprefix("W/")
    candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in candidates or bare in candidates


@dataclass
class _Flight:
    task: asyncio.Future[Any]
    waiters: int = 0


@dataclass
class BoardCache:
    size: int = 16  # boards and rendered grids together
    ttl_s: float = 300.0  # a backstop: the version already changes with the data
    _done: OrderedDict[Hashable, tuple[float, Any]] = field(default_factory=OrderedDict)
    _flights: dict[Hashable, _Flight] = field(default_factory=dict)
    builds: int = 0  # for tests and the benchmark: how many boards were actually built

    async def get(self, key: Hashable, build: Callable[[], Awaitable[T]]) -> T:
        hit = self._done.get(key)
        if hit is not None and hit[0] > time.monotonic():
            self._done.move_to_end(key)
            value: T = hit[1]
            return value
        flight = self._flights.get(key)
        if flight is None:
            self.builds += 1
            flight = _Flight(asyncio.ensure_future(build()))
            self._flights[key] = flight
            flight.task.add_done_callback(lambda task: self._landed(key, task))
        flight.waiters += 1
        try:
            result: T = await asyncio.shield(flight.task)
            return result
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                flight.task.cancel()  # every requester has gone: stop building
                await asyncio.wait({flight.task}, timeout=5)  # and let it unwind before we answer

    def _landed(self, key: Hashable, task: asyncio.Future[Any]) -> None:
        self._flights.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return  # the requesters got the error; nothing to keep
        self._done[key] = (time.monotonic() + self.ttl_s, task.result())
        self._done.move_to_end(key)
        while len(self._done) > self.size:
            self._done.popitem(last=False)

    def clear(self) -> None:
        self._done.clear()
