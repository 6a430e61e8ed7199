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

    def latest_decision(self, version: str, at: str) -> str:
        """The decision of the last review of `version` released by `at` (the first one made,
        of reviews released at the same instant, as the Python path reads them in id order).
        PostgreSQL aggregates over a join (a probe per cell would cost more at province
        scale); SQLite, whose joins are loops anyway, probes the (version, released_at) index."""
        if self.postgres:
            return "(array_agg(r.decision ORDER BY r.released_at DESC, r.id))[1]"
        return (
            f"(SELECT r.decision FROM review r WHERE r.version = {version}"
            f" AND r.state = 'released' AND r.released_at <= {at}"
            " ORDER BY r.released_at DESC, r.id LIMIT 1)"
        )

    def latest_decision_join(self, version: str, at: str) -> str:
        if not self.postgres:
            return ""
        return (
            f"LEFT JOIN review r ON r.version = {version} AND r.state = 'released'"
            f" AND r.released_at <= {at}\n"
            "  GROUP BY se.rid, se.oid, se.first_at, se.latest_no, lv.submitted_at"
        )

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
cand AS MATERIALIZED (
  SELECT e.id, COALESCE(e.group_id, e.id) AS gid, {COHORT_SQL} AS cohort
  FROM enterprise e WHERE {roster_where(p, roster)}
),
cols AS MATERIALIZED (
  SELECT o.id, o.due_on, o.applies_to FROM obligation o WHERE {p.ids("o.id", obligation_ids)}
),
keys AS MATERIALIZED (
  SELECT c.id AS rid, o.id AS oid, o.due_on, o.applies_to
  FROM cand c JOIN cols o ON c.cohort <> 'SUB' AND ({REPORTS_SQL})
  UNION ALL
  SELECT g.gid, o.id, o.due_on, o.applies_to
  FROM (SELECT DISTINCT gid FROM cand
        WHERE cohort = 'SUB' AND gid NOT IN (SELECT id FROM cand WHERE cohort <> 'SUB')) g
  JOIN cols o ON o.applies_to = 'GRP_SUBS'
),
seen AS MATERIALIZED (
  SELECT s.enterprise AS rid, s.obligation AS oid, s.id AS sid,
         min(v.submitted_at) AS first_at, max(v.version_no) AS latest_no
  FROM submission s JOIN submission_version v ON v.submission = s.id
  WHERE {p.ids("s.obligation", obligation_ids)} AND v.submitted_at <= {at}
    AND s.enterprise IN (SELECT rid FROM keys)
  GROUP BY s.id, s.enterprise, s.obligation
),
latest AS MATERIALIZED (
  SELECT se.rid, se.oid, se.first_at, se.latest_no, lv.submitted_at AS last_at,
         {p.latest_decision("lv.id", at)} AS decision
  FROM seen se
  JOIN submission_version lv ON lv.submission = se.sid AND lv.version_no = se.latest_no
  {p.latest_decision_join("lv.id", at)}
),
exempted AS MATERIALIZED (
  SELECT DISTINCT x.enterprise AS rid, x.obligation AS oid
  FROM exemption x
  WHERE {p.ids("x.obligation", obligation_ids)} AND x.enterprise IN (SELECT rid FROM keys)
    AND x.kind = 'exempt' AND x.granted_at <= {at}
    AND (x.revoked_at IS NULL OR x.revoked_at > {at})
),
extended AS MATERIALIZED (
  SELECT x.enterprise AS rid, x.obligation AS oid, max(x.extended_to) AS ext_due
  FROM exemption x
  LEFT JOIN seen se ON se.rid = x.enterprise AND se.oid = x.obligation
  WHERE {p.ids("x.obligation", obligation_ids)} AND x.enterprise IN (SELECT rid FROM keys)
    AND x.kind = 'extension' AND x.extended_to IS NOT NULL
    AND x.granted_at <= COALESCE(se.first_at, {at})
    AND (x.revoked_at IS NULL OR x.revoked_at > COALESCE(se.first_at, {at}))
  GROUP BY x.enterprise, x.obligation
),
cells AS (
  SELECT k.rid, k.oid, k.applies_to, k.due_on,
         CASE WHEN xe.rid IS NULL THEN 0 ELSE 1 END AS exempt,
         COALESCE(xt.ext_due, k.due_on) AS eff_due,
         l.first_at, l.last_at, l.latest_no, l.decision
  FROM keys k
  LEFT JOIN exempted xe ON xe.rid = k.rid AND xe.oid = k.oid
  LEFT JOIN extended xt ON xt.rid = k.rid AND xt.oid = k.oid
  LEFT JOIN latest l ON l.rid = k.rid AND l.oid = k.oid
),
st AS MATERIALIZED (
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
