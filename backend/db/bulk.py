"""Multi-row INSERTs for the few writes that handle thousands of rows at once (a reminder scan
at 10,000 enterprises). Building a Piccolo Table object per row costs about a millisecond; this
sends the same statement Piccolo would, from plain tuples, within both engines' parameter
limits. Values go as parameters, never into the SQL text."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

# SQLite before 3.32 allowed 999 parameters per statement; PostgreSQL 32,767.
MAX_PARAMETERS = 990


async def insert_rows(
    table: type[Table],
    columns: list[Column],
    rows: list[tuple[Any, ...]],
    *,
    skip_conflicts_on: Column | None = None,
    returning: list[Column] | None = None,
) -> list[dict[str, Any]]:
    """INSERT the rows (values in `columns` order); ON CONFLICT DO NOTHING on the given unique
    column; the `returning` columns of the rows inserted, in VALUES order per statement."""
    names = ", ".join(c._meta.db_column_name for c in columns)
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    found: list[dict[str, Any]] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        sql = f"INSERT INTO {table._meta.tablename} ({names}) VALUES " + ", ".join(
            one for _ in chunk
        )
        if skip_conflicts_on is not None:
            sql += f" ON CONFLICT ({skip_conflicts_on._meta.db_column_name}) DO NOTHING"
        if returning:
            sql += " RETURNING " + ", ".join(c._meta.db_column_name for c in returning)
        result = await table.raw(sql, *[value for row in chunk for value in row])
        found.extend(result or [])
    return found
