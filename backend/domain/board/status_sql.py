"""The board's cells as SQL, parameterised by the as-of instant.

`backend/rules/cell_status.py` stays the reference. Each cell's history is kept as spans of time
in `board_cell` (`backend/rules/cell_spans.py`, made by calling the reference at every instant a
fact takes effect); a statement here picks, for every cell of the rows asked for, the span that
holds the instant, and works out the part that depends on the date alone. That lets the
database do what the board needs of every cell (the status counts per column and the filter by
status) so that only the page of rows asked for comes back to Python. A property test draws
random histories and instants and checks the SQL and the reference agree cell for cell, on
SQLite and PostgreSQL.

How the date-driven part translates:
- a due date means the end of that day in Shanghai, so "an instant is after the deadline" is
  "its date in Shanghai is after the due date"; both engines compare dates, not instants;
- 临期 counts working days back from the due date: the holiday calendar is Python's, so Python
  passes the last due date that is 临期 on the as-of day (`due_soon_until`), a plain date.

A cell is (reporter, obligation): the enterprise itself, or for a subsidiary's 全级次 duty its
group, whose one deliverable covers the subsidiary (`backend/rules/cohorts.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backend.lib.timeutil import local_date
from backend.rules.cell_status import due_soon_until

# An enterprise's cohort (rules/cohorts.cohort_of) and who reports what (rules/cohorts.reports).
COHORT_SQL = "CASE WHEN e.upgraded_mgmt THEN 'UPG7' WHEN e.parent IS NULL THEN 'T1' ELSE 'SUB' END"


@dataclass
class Params:
    """Collects the parameters of one statement and writes their placeholders."""

    postgres: bool
    values: list[Any] = field(default_factory=list)

    def add(self, value: Any, pg_type: str = "") -> str:
        self.values.append(value)
        number = len(self.values)
        if self.postgres:
            return f"${number}::{pg_type}" if pg_type else f"${number}"
        return f"${number}"  # fastread.fetch_numbered reads it as ?N on SQLite

    def ids(self, column: str, ids: list[int]) -> str:
        """`column` is one of the ids: an array on PostgreSQL, JSON text on SQLite."""
        if self.postgres:
            return f"{column} = ANY({self.add([int(i) for i in ids], 'bigint[]')})"
        return f"{column} IN (SELECT value FROM json_each({self.add([int(i) for i in ids])}))"

    def local_date(self, column: str) -> str:
        """The date in Shanghai of a stored instant. SQLite keeps instants as UTC text; its date
        functions round to milliseconds, so the fraction is cut first (the date is unchanged)."""
        if self.postgres:
            return f"({column} AT TIME ZONE 'Asia/Shanghai')::date"
        return f"date(substr({column}, 1, 19), '+8 hours')"

    def days(self, later: str, earlier: str) -> str:
        if self.postgres:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@dataclass(frozen=True)
class RosterFilter:
    """Which enterprises are rows: the board's filters other than the status."""

    scope: int | None = None  # an enterprise user's group
    root: int | None = None  # enterprise_id: that enterprise and its subtree
    cohort: str | None = None
    ids: list[int] | None = None  # enterprises whose names match the search
    groups: list[int] | None = None  # only these groups' rows (one page)


def roster_where(p: Params, f: RosterFilter) -> str:
    """The WHERE clause over `enterprise e` for the rows the board may show."""
    conds = ["e.active"]
    if f.scope is not None:
        s = p.add(f.scope, "bigint")
        conds.append(f"(e.group_id = {s} OR e.id = {s})")
    if f.root is not None:
        conds.append(
            f"e.path LIKE (SELECT r.path FROM enterprise r WHERE r.id = {p.add(f.root, 'bigint')})"
            " || '%'"
        )
    if f.cohort is not None:
        conds.append(f"{COHORT_SQL} = {p.add(f.cohort, 'text')}")
    if f.ids is not None:
        conds.append(p.ids("e.id", f.ids))
    if f.groups is not None:
        conds.append(p.ids("COALESCE(e.group_id, e.id)", f.groups))
    return " AND ".join(conds)


def status_ctes(
    p: Params,
    roster: RosterFilter,
    obligation_ids: list[int],
    as_of: dt.datetime,
    window_workdays: int,
    *,
    counts_only: bool = False,
) -> str:
    """CTEs ending in `st(rid, oid, applies_to, status, due_on, first_at, last_at, latest_no,
    days_late)`: one row per cell of the rows in `cand(id, gid, cohort)`; with `counts_only`,
    `st(rid, oid, applies_to, status)` (what the counts need, a third of the width at
    province scale).

    Each cell's span holding the instant comes from `board_cell` (kept by
    `board/cells.refresh_board_cells`, which the caller runs first): what facts made of the cell
    is already there, and only the date-driven part (未到期 / 临期 / 逾期未报 while nothing is
    submitted) is worked out here from the span's effective due date."""
    as_of = as_of.astimezone(dt.UTC)
    day = local_date(as_of)
    at = p.add(as_of, "timestamptz")
    today = p.add(day, "date")
    soon = p.add(due_soon_until(day, window_workdays), "date")
    details = "" if counts_only else " b.first_at, b.last_at, b.latest_no, b.due_on,"
    lateness = (
        ""
        if counts_only
        else f""",
    CASE
      WHEN b.state <> 'nosub' THEN b.days_late
      WHEN {today} > b.due_on THEN {p.days(today, "b.due_on")}
      ELSE 0
    END AS days_late"""
    )
    return f"""
cand AS MATERIALIZED (
  SELECT e.id, COALESCE(e.group_id, e.id) AS gid, {COHORT_SQL} AS cohort
  FROM enterprise e WHERE {roster_where(p, roster)}
),
cols AS MATERIALIZED (
  SELECT o.id, o.due_on, o.applies_to FROM obligation o WHERE {p.ids("o.id", obligation_ids)}
),
reporters AS MATERIALIZED (
  SELECT id FROM cand WHERE cohort <> 'SUB'
),
covering AS MATERIALIZED (
  SELECT DISTINCT gid FROM cand
  WHERE cohort = 'SUB' AND gid NOT IN (SELECT id FROM reporters)
),
st AS MATERIALIZED (
  SELECT b.rid, b.oid, b.applies_to,{details}
    CASE
      WHEN b.state <> 'nosub' THEN b.state
      WHEN {today} > b.due_on THEN 'overdue'
      WHEN b.due_on <= {soon} THEN 'due_soon'
      ELSE 'not_due'
    END AS status{lateness}
  FROM board_cell b
  WHERE {p.ids("b.oid", obligation_ids)} AND b.valid_from <= {at} AND b.valid_to > {at}
    AND (b.rid IN (SELECT id FROM reporters)
         OR (b.applies_to = 'GRP_SUBS' AND b.rid IN (SELECT gid FROM covering)))
)"""
