"""The cell rules of `backend/rules/cell_status.py` as SQL, parameterised by the as-of instant.

The Python function stays the reference (a property test draws random histories and instants
and checks both agree cell for cell, on SQLite and PostgreSQL). The statements here let the
database do what the board needs of every cell: the status counts per column and the filter by
status, so that only the page of rows asked for comes back to Python.

How the rules translate:
- a due date means the end of that day in Shanghai, so "an instant is after the deadline" is
  "its date in Shanghai is after the due date"; both engines compare dates, not instants;
- 临期 counts working days back from the due date: the holiday calendar is Python's, so Python
  passes the last due date that is 临期 on the as-of day (`due_soon_until`), a plain date;
- only facts that existed at the instant count: versions submitted, reviews released and
  exemptions granted (and not yet revoked) by then;
- the first submission fixes the timeliness, and extensions count as they stood at that moment;
- the decision is the latest released review of the latest version seen.

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
REPORTS_SQL = "o.applies_to IN ('ALL', 'GRP_SUBS') OR o.applies_to = c.cohort"


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
) -> str:
    """CTEs ending in `st(rid, oid, applies_to, status, due_on, first_at, last_at, latest_no,
    days_late)`: one row per cell of the rows in `cand(id, gid, cohort)`."""
    as_of = as_of.astimezone(dt.UTC)
    day = local_date(as_of)
    at = p.add(as_of, "timestamptz")
    today = p.add(day, "date")
    soon = p.add(due_soon_until(day, window_workdays), "date")
    first_day = p.local_date("first_at")
    return f"""
cand AS (
  SELECT e.id, COALESCE(e.group_id, e.id) AS gid, {COHORT_SQL} AS cohort
  FROM enterprise e WHERE {roster_where(p, roster)}
),
cols AS (
  SELECT o.id, o.due_on, o.applies_to FROM obligation o WHERE {p.ids("o.id", obligation_ids)}
),
keys AS (
  SELECT c.id AS rid, o.id AS oid, o.due_on, o.applies_to
  FROM cand c JOIN cols o ON c.cohort <> 'SUB' AND ({REPORTS_SQL})
  UNION ALL
  SELECT g.gid, o.id, o.due_on, o.applies_to
  FROM (SELECT DISTINCT gid FROM cand
        WHERE cohort = 'SUB' AND gid NOT IN (SELECT id FROM cand WHERE cohort <> 'SUB')) g
  JOIN cols o ON o.applies_to = 'GRP_SUBS'
),
seen AS (
  SELECT k.rid, k.oid, s.id AS sid, min(v.submitted_at) AS first_at, max(v.version_no) AS latest_no
  FROM keys k
  JOIN submission s ON s.enterprise = k.rid AND s.obligation = k.oid
  JOIN submission_version v ON v.submission = s.id
  WHERE v.submitted_at <= {at}
  GROUP BY k.rid, k.oid, s.id
),
latest AS (
  SELECT se.rid, se.oid, se.first_at, se.latest_no, lv.id AS vid, lv.submitted_at AS last_at
  FROM seen se
  JOIN submission_version lv ON lv.submission = se.sid AND lv.version_no = se.latest_no
),
decided AS (
  SELECT r.version AS vid, r.decision,
         row_number() OVER (PARTITION BY r.version ORDER BY r.released_at DESC, r.id) AS rn
  FROM latest l JOIN review r ON r.version = l.vid
  WHERE r.state = 'released' AND r.released_at <= {at}
),
exempted AS (
  SELECT DISTINCT x.enterprise AS rid, x.obligation AS oid
  FROM keys k JOIN exemption x ON x.enterprise = k.rid AND x.obligation = k.oid
  WHERE x.kind = 'exempt' AND x.granted_at <= {at}
    AND (x.revoked_at IS NULL OR x.revoked_at > {at})
),
extended AS (
  SELECT k.rid, k.oid, max(x.extended_to) AS ext_due
  FROM keys k
  JOIN exemption x ON x.enterprise = k.rid AND x.obligation = k.oid
  LEFT JOIN seen se ON se.rid = k.rid AND se.oid = k.oid
  WHERE x.kind = 'extension' AND x.extended_to IS NOT NULL
    AND x.granted_at <= COALESCE(se.first_at, {at})
    AND (x.revoked_at IS NULL OR x.revoked_at > COALESCE(se.first_at, {at}))
  GROUP BY k.rid, k.oid
),
cells AS (
  SELECT k.rid, k.oid, k.applies_to, k.due_on,
         CASE WHEN xe.rid IS NULL THEN 0 ELSE 1 END AS exempt,
         COALESCE(xt.ext_due, k.due_on) AS eff_due,
         l.first_at, l.last_at, l.latest_no, d.decision
  FROM keys k
  LEFT JOIN exempted xe ON xe.rid = k.rid AND xe.oid = k.oid
  LEFT JOIN extended xt ON xt.rid = k.rid AND xt.oid = k.oid
  LEFT JOIN latest l ON l.rid = k.rid AND l.oid = k.oid
  LEFT JOIN decided d ON d.vid = l.vid AND d.rn = 1
),
st AS (
  SELECT rid, oid, applies_to, first_at, last_at, latest_no,
    CASE WHEN exempt = 1 THEN due_on ELSE eff_due END AS due_on,
    CASE
      WHEN exempt = 1 THEN 'exempt'
      WHEN first_at IS NULL THEN
        CASE WHEN {today} > eff_due THEN 'overdue'
             WHEN eff_due <= {soon} THEN 'due_soon'
             ELSE 'not_due' END
      WHEN decision IS NULL THEN 'submitted'
      WHEN decision = 'approve' THEN
        CASE WHEN {first_day} <= eff_due THEN 'approved' ELSE 'approved_late' END
      ELSE 'returned'
    END AS status,
    CASE
      WHEN exempt = 1 THEN 0
      WHEN first_at IS NULL THEN
        CASE WHEN {today} > eff_due THEN {p.days(today, "eff_due")} ELSE 0 END
      WHEN {first_day} <= eff_due THEN 0
      ELSE {p.days(first_day, "eff_due")}
    END AS days_late
  FROM cells
)"""
