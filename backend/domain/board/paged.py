"""The board's page and API, computed in the database: only the page of rows comes back.

A fixed number of statements whatever the roster (the programmes, the columns, then):
0. whether any cell's facts changed since the spans were last rebuilt (`board/cells.py`);
1. the summary: the per-column status counts, the number of rows and the page's groups, with
   the filter by status, all over every matching cell (`status_sql.status_ctes`);
2. the page's enterprises (a few hundred rows at most);
3. the cells of those enterprises' reporters;
plus, with a search word, one read of the names (folding full-width characters is Python's).

The result is the same `Board` as `service.build_board` (the Python path, which exports and
scores keep), so templates, the JSON and the cache do not change."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import replace
from typing import Any

from backend.db import fastread
from backend.db.fastread import as_utc
from backend.domain.board.cells import refresh_board_cells
from backend.domain.board.service import (
    Board,
    BoardQuery,
    Cell,
    Column,
    Row,
    board_frame,
    cell_plan,
)
from backend.domain.board.status_sql import Params, RosterFilter, roster_where, status_ctes
from backend.domain.errors import NotFound
from backend.domain.shared.enterprises import EnterpriseRow, matches_query, sort_key
from backend.lib.timeutil import end_of_day
from backend.rules.cell_status import CellState, Status
from backend.rules.cohorts import Cohort

ENTERPRISE_SQL = (
    "e.id, e.name, e.short_name, e.credit_code, e.parent, COALESCE(e.group_id, e.id), e.path, "
    "e.tier, e.upgraded_mgmt, e.has_general_counsel, e.contact_name, e.contact_phone, "
    "e.contact_email, e.active"
)


def _matched_sql(status: str | None, p: Params, cohort: str | None) -> str:
    """`matched(id, gid, cohort)`: the rows after the filter by status (a row matches when one
    of its cells has it; a subsidiary's cells are its group's 全级次 ones)."""
    conds = []
    if status is not None:
        x = p.add(status, "text")
        conds.append(
            f"((c.cohort <> 'SUB' AND c.id IN (SELECT rid FROM st WHERE status = {x})) OR "
            f"(c.cohort = 'SUB' AND c.gid IN "
            f"(SELECT rid FROM st WHERE status = {x} AND applies_to = 'GRP_SUBS')))"
        )
    if cohort == Cohort.SUB:  # subsidiaries owe nothing outside 全级次 duties
        conds.append("EXISTS (SELECT 1 FROM cols WHERE applies_to = 'GRP_SUBS')")
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    return f"matched AS MATERIALIZED (SELECT c.id, c.gid, c.cohort FROM cand c{where})"


def summary_sql(
    p: Params,
    query: BoardQuery,
    roster: RosterFilter,
    obligation_ids: list[int],
    window_workdays: int,
) -> str:
    ctes = status_ctes(
        p, roster, obligation_ids, end_of_day(query.as_of), window_workdays, counts_only=True
    )
    matched = _matched_sql(query.status, p, query.cohort)
    # Without a status filter every cell of `st` belongs to a matched row (`st` holds the cells
    # of the roster's reporters and of the groups covering its subsidiaries), so the counts
    # need no second look at the rows: at province scale that look is a third of the time.
    of_matched = (
        ""
        if query.status is None
        else """
WHERE rid IN (SELECT id FROM matched WHERE cohort <> 'SUB')
   OR (applies_to = 'GRP_SUBS' AND rid IN (SELECT gid FROM matched WHERE cohort = 'SUB'))"""
    )
    if query.page_size > 0:
        size, page = p.add(query.page_size, "bigint"), p.add(query.page, "bigint")
        last = f"((total + {size} - 1) / {size})"
        shown = f"(CASE WHEN {page} <= {last} THEN {page} ELSE {last} END)"
        window = f" WHERE rn > {size} * ({shown} - 1) AND rn <= {size} * {shown}"
    else:
        window = ""
    root = ""
    if query.enterprise_id is not None:
        visible = roster_where(p, RosterFilter(scope=roster.scope))
        root = (
            "\nUNION ALL SELECT 'e', e.id, e.name, CASE WHEN e.parent IS NULL THEN 1 ELSE 0 END "
            f"FROM enterprise e WHERE e.id = {p.add(query.enterprise_id, 'bigint')} AND {visible}"
        )
    return f"""WITH {ctes},
{matched},
grp AS (
  SELECT m.gid,
         CASE WHEN g.upgraded_mgmt AND g.parent IS NULL AND g.active THEN 0 ELSE 1 END AS sec
  FROM (SELECT DISTINCT gid FROM matched) m LEFT JOIN enterprise g ON g.id = m.gid
),
ranked AS (
  SELECT gid, sec, row_number() OVER (ORDER BY sec, gid) AS rn, count(*) OVER () AS total
  FROM grp
)
SELECT 'c', oid, status, count(*) FROM st{of_matched}
GROUP BY oid, status
UNION ALL SELECT 'g', gid, CASE WHEN sec = 0 THEN 'u' ELSE '' END, total FROM ranked{window}
UNION ALL SELECT 'o', 0, status, count(*) FROM (SELECT DISTINCT rid, status FROM st) owing
GROUP BY status
UNION ALL SELECT 'n', 0, '', count(*) FROM matched{root}"""


async def _search(q: str, scope: int | None) -> list[int]:
    p = Params(fastread.is_postgres())
    rows = await fastread.fetch_numbered(
        "SELECT e.id, e.name, e.short_name, e.credit_code FROM enterprise e "
        f"WHERE {roster_where(p, RosterFilter(scope=scope))}",
        *p.values,
    )
    return [
        r[0]
        for r in rows
        if matches_query(EnterpriseRow(r[0], r[1], r[2], r[3], *_UNUSED), q)  # name, code only
    ]


_UNUSED = (None, 0, "", 1, False, False, "", "", "", True)


def _enterprise(r: Any) -> EnterpriseRow:
    return EnterpriseRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bool(r[9]),
        r[10], r[11], r[12], bool(r[13]),
    )  # fmt: skip


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def cell_state(
    status: str, due_on: Any, first: Any, last: Any, number: Any, late: Any
) -> CellState:
    """A row of `st` as the rules' CellState (an exempt cell carries nothing but its due date)."""
    code = Status(status)
    if code is Status.EXEMPT or first is None:
        return CellState(code, _day(due_on), days_late=int(late or 0))
    return CellState(code, _day(due_on), as_utc(first), as_utc(last), int(number), int(late))


async def page_cells(
    p: Params, roster: RosterFilter, query: BoardQuery, obligation_ids: list[int], window: int
) -> dict[tuple[int, int], CellState]:
    ctes = status_ctes(p, roster, obligation_ids, end_of_day(query.as_of), window)
    rows = await fastread.fetch_numbered(
        f"WITH {ctes} SELECT rid, oid, status, due_on, first_at, last_at, latest_no, days_late "
        "FROM st",
        *p.values,
    )
    return {(r[0], r[1]): cell_state(*r[2:]) for r in rows}


async def build_board_page(
    query: BoardQuery, window_workdays: int = 5, scope: int | None = None
) -> Board:
    await refresh_board_cells()  # the spans of cells whose facts changed since the last read
    frame = await board_frame(query)
    columns = frame.columns
    obligation_ids = [c.id for c in columns]
    postgres = fastread.is_postgres()
    ids = await _search(query.q, scope) if query.q.strip() else None
    roster = RosterFilter(scope=scope, root=query.enterprise_id, cohort=query.cohort, ids=ids)

    p = Params(postgres)
    summary = await fastread.fetch_numbered(
        summary_sql(p, query, roster, obligation_ids, window_workdays), *p.values
    )
    if query.enterprise_id is not None and not any(r[0] == "e" for r in summary):
        raise NotFound("未找到该企业。")
    by_id: dict[int, Column] = {c.id: c for c in columns}
    groups: list[int] = []
    upgraded: set[int] = set()
    total_rows = total_groups = 0
    group_names: dict[int, str] = {}
    owing: Counter[str] = Counter()  # per status, the enterprises owing an item in it
    for kind, key, text, n in summary:
        if kind == "c":
            by_id[key].counts[Status(text)] = int(n)
        elif kind == "g":
            groups.append(key)
            total_groups = int(n)
            if text == "u":
                upgraded.add(key)
        elif kind == "n":
            total_rows = int(n)
        elif kind == "o":
            owing[Status(text)] = int(n)
        elif kind == "e" and n == 1:
            group_names[key] = text
    pages = 1 if query.page_size <= 0 else max(1, math.ceil(total_groups / query.page_size))
    page = min(query.page, pages)

    rows: list[Row] = []
    if groups:
        on_page = replace(roster, groups=groups)
        p = Params(postgres)
        found = await fastread.fetch_numbered(
            f"SELECT {ENTERPRISE_SQL} FROM enterprise e WHERE {roster_where(p, on_page)}",
            *p.values,
        )
        enterprises = [_enterprise(r) for r in found]
        enterprises.sort(key=sort_key(upgraded))
        states = await page_cells(Params(postgres), on_page, query, obligation_ids, window_workdays)
        plan = cell_plan(columns)
        for e in enterprises:
            cells: dict[int, Cell] = {}
            for column, covered in plan[e.cohort]:
                if covered:
                    cells[column.id] = Cell(column.id, states[(e.group_id, column.id)], e.group_id)
                else:
                    cells[column.id] = Cell(column.id, states[(e.id, column.id)])
            rows.append(Row(e, cells))
        if query.cohort == Cohort.SUB:
            rows = [r for r in rows if r.cells]
        if query.status:
            wanted = query.status
            rows = [r for r in rows if any(c.state.status == wanted for c in r.cells.values())]
    board = Board(
        replace(query, page=page),
        frame.programme,
        frame.programmes,
        frame.years,
        columns,
        rows,
        total_rows,
        total_groups,
        pages,
        group_names,
        upgraded,
    )
    # Whatever the status filter, per status the enterprises owing an item in it (a group's
    # 全级次 item once: rules/board_counts, which the legend shows once that lands).
    vars(board)["owing"] = owing
    return board
