"""Whether the database has every migration this code ships (readiness: a process started from
newer code before `hegui migrate` ran must not take traffic)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from backend.db import fastread

MIGRATIONS = Path(__file__).parent / "migrations"
_ID = re.compile(r'^ID\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


@lru_cache(maxsize=1)
def shipped_ids() -> frozenset[str]:
    """The ids of the migration files beside this code (read once per process)."""
    found = set()
    for path in MIGRATIONS.glob("*.py"):
        match = _ID.search(path.read_text(encoding="utf-8"))
        if match:
            found.add(match.group(1))
    return frozenset(found)


async def pending() -> set[str]:
    """Shipped migrations the database has not run (empty: current)."""
    rows = await fastread.fetch_tuples("SELECT name FROM migration WHERE app_name = 'hegui'")
    return set(shipped_ids()) - {row[0] for row in rows}
