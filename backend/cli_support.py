"""What the `hegui` commands share: running async work with the database open.

It lives apart from `cli.py` so that `cli_admin.py` (which `cli.py` registers) needs nothing back
from `cli.py`: the two modules used to import each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def run_with_db(work: Callable[[], Awaitable[T]]) -> T:
    """Run one piece of async work with the database open (the PostgreSQL pool, if any)."""
    from backend.db.lifespan import db_lifespan

    async def main() -> T:
        async with db_lifespan():
            return await work()

    return asyncio.run(main())
