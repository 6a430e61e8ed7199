"""`Table` for our table modules: Piccolo's own at run time; for the type checker, one that
declares the `id` primary key Piccolo adds to every table (mypy cannot see it otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piccolo.columns import Serial
    from piccolo.table import Table as PiccoloTable

    class Table(PiccoloTable):
        id: Serial

else:
    from piccolo.table import Table

__all__ = ["Table"]
