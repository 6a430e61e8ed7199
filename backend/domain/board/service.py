"""Build the progress board: which cells each enterprise has, their status, counts and paging."""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from backend.db.tables import Obligation
from backend.domain.board.facts import Facts, load_facts
from backend.domain.errors import Invalid, NotFound
from backend.domain.programmes.service import list_programmes, pick_programme
from backend.domain.shared.enterprises import EnterpriseRow, matches_query, visible_enterprises
from backend.lib.timeutil import end_of_day
from backend.rules.board_counts import ShownCell, enterprises_by_status, items_by_column
from backend.rules.cell_status import CellState, Status, cell_status
from backend.rules.cohorts import Cohort, covered_by_group, reports

OBLIGATION_COLUMNS = (
    Obligation.id,
    Obligation.code,
    Obligation.title,
    Obligation.short_title,
    Obligation.clause,
    Obligation.phase,
    Obligation.applies_to,
    Obligation.due_year,
    Obligation.due_on,
    Obligation.due_note,
    Obligation.recurrence,
    Obligation.programme,
)


@dataclass(frozen=True)
class BoardQuery:
    as_of: dt.date
    programme_id: int | None = None
    year: int | None = None
    cohort: str | None = None
    status: str | None = None
    q: str = ""
    enterprise_id: int | None = None
    page: int = 1
    page_size: int = 0  # groups per page; 0 shows every group


@dataclass
class Column:
    id: int
    code: str
    title: str
    clause: str
    phase: str
    applies_to: str
    due_year: int
    due_on: dt.date
    due_note: str
    short_title: str = ""  # under the code in the column header (P1 实施方案)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def applicable(self) -> int:
        """Deliverables owed in this column: 不适用 ones are not counted."""
        return sum(self.counts.values()) - self.counts[Status.EXEMPT]

    @property
    def approved(self) -> int:
        return self.counts[Status.APPROVED] + self.counts[Status.APPROVED_LATE]


@dataclass(frozen=True, slots=True)
class Cell:
    obligation_id: int
    state: CellState
    covered_by: int | None = None  # the group whose deliverable covers this subsidiary


@dataclass
class Row:
    enterprise: EnterpriseRow
    cells: dict[int, Cell]


@dataclass
class Board:
    query: BoardQuery
    programme: dict[str, Any] | None
    programmes: list[dict[str, Any]]
    years: list[int]
    columns: list[Column]
    rows: list[Row]
    total_rows: int
    total_groups: int
    pages: int
    group_names: dict[int, str]
    upgraded_groups: set[int]
    # Per status, the enterprises owing an item in it, whatever the status filter
    # (rules/board_counts: a group's 全级次 item counts once).
    owing: Counter[str] = field(default_factory=Counter)

    @cached_property
    def groups_with_subsidiaries(self) -> set[int]:
        """Built once per board (the template asks for every group row)."""
        return {r.enterprise.group_id for r in self.rows if r.enterprise.parent_id is not None}


async def load_columns(programme_id: int, year: int | None = None) -> list[Column]:
    query = Obligation.select(*OBLIGATION_COLUMNS).where(
        Obligation.programme == programme_id,
        Obligation.active == True,  # noqa: E712
    )
    if year is not None:
        query = query.where(Obligation.due_year == year)
    rows = await query.order_by(Obligation.sort_order)
    return [
        Column(
            r["id"],
            r["code"],
            r["title"],
            r["clause"],
            r["phase"],
            r["applies_to"],
            r["due_year"],
            r["due_on"],
            r["due_note"],
            short_title=r["short_title"],
        )
        for r in rows
    ]


def _filter_rows(enterprises: list[EnterpriseRow], query: BoardQuery) -> list[EnterpriseRow]:
    rows = enterprises
    if query.enterprise_id is not None:
        root = next((e for e in rows if e.id == query.enterprise_id), None)
        rows = [e for e in rows if root is not None and e.path.startswith(root.path)]
    if query.cohort:
        rows = [e for e in rows if e.cohort == query.cohort]
    if query.q.strip():
        rows = [e for e in rows if matches_query(e, query.q)]
    return rows


class CellComputer:
    def __init__(self, facts: Facts, as_of: dt.datetime, window: int) -> None:
        self.facts, self.as_of, self.window = facts, as_of.astimezone(dt.UTC), window
        self._cache: dict[tuple[int, int], CellState] = {}

    def state(self, enterprise_id: int, column: Column) -> CellState:
        key = (enterprise_id, column.id)
        cached = self._cache.get(key)
        if cached is None:
            cached = cell_status(
                column.due_on,
                self.as_of,
                self.facts.versions.get(key, ()),
                self.facts.reviews.get(key, ()),
                self.facts.exemptions.get(key, ()),
                self.window,
            )
            self._cache[key] = cached
        return cached


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic collector would walk every new object many times over; none of these form
    cycles, so reference counting frees them and the collector can wait."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cell_plan(columns: list[Column]) -> dict[Cohort, list[tuple[Column, bool]]]:
    """For each cohort, its columns and whether the group's deliverable covers the cell."""
    return {
        cohort: [
            (c, covered_by_group(c.applies_to, cohort))
            for c in columns
            if reports(c.applies_to, cohort) or covered_by_group(c.applies_to, cohort)
        ]
        for cohort in Cohort
    }


def build_cells(
    row: EnterpriseRow,
    columns: list[Column],
    computer: CellComputer,
    plan: dict[Cohort, list[tuple[Column, bool]]] | None = None,
) -> dict[int, Cell]:
    plan = plan or cell_plan(columns)
    cells: dict[int, Cell] = {}
    for column, covered in plan[row.cohort]:
        if covered:
            cells[column.id] = Cell(column.id, computer.state(row.group_id, column), row.group_id)
        else:
            cells[column.id] = Cell(column.id, computer.state(row.id, column))
    return cells


@dataclass
class BoardFrame:
    """What every board shows whatever its rows: the programme, its years and the columns."""

    programmes: list[dict[str, Any]]
    programme: dict[str, Any] | None
    years: list[int]
    columns: list[Column]


async def board_frame(query: BoardQuery) -> BoardFrame:
    programmes = await list_programmes()
    programme = pick_programme(programmes, query.programme_id)
    if programme is None and query.programme_id is not None:
        raise NotFound("未找到该工作方案。")
    all_columns = await load_columns(programme["id"]) if programme else []
    years = sorted({c.due_year for c in all_columns})
    if query.year is not None and years and query.year not in years:
        raise Invalid(f"该工作方案的年度为 {years[0]}—{years[-1]} 年，请重新选择。")
    columns = [c for c in all_columns if query.year is None or c.due_year == query.year]
    return BoardFrame(programmes, programme, years, columns)


async def build_board(
    query: BoardQuery, window_workdays: int = 5, scope: int | None = None
) -> Board:
    """Every cell computed in Python (`rules/cell_status.py`): the exports and scores, which need
    every cell. The board's page and API use `paged.build_board_page`, computed in the database."""
    frame = await board_frame(query)
    programmes, programme, years, columns = (
        frame.programmes,
        frame.programme,
        frame.years,
        frame.columns,
    )

    enterprises = await visible_enterprises(scope)
    if query.enterprise_id is not None and all(e.id != query.enterprise_id for e in enterprises):
        raise NotFound("未找到该企业。")
    group_names = {e.id: e.name for e in enterprises if e.parent_id is None}
    candidates = _filter_rows(enterprises, query)
    reporting_ids = sorted({e.id if e.cohort is not Cohort.SUB else e.group_id for e in candidates})
    # Past a few hundred ids an IN list costs more than reading the facts of everyone.
    scoped = None if len(reporting_ids) > 500 else reporting_ids
    as_of = end_of_day(query.as_of)
    with paused_gc():  # tens of thousands of short-lived, acyclic objects
        facts = await load_facts([c.id for c in columns], as_of, scoped)
        computer = CellComputer(facts, as_of, window_workdays)
        plan = cell_plan(columns)
        rows = [Row(e, build_cells(e, columns, computer, plan)) for e in candidates]
    if query.cohort == Cohort.SUB:
        rows = [r for r in rows if r.cells]  # subsidiaries owe nothing outside 全级次 duties
    owing = enterprises_by_status(shown_cells(rows))
    if query.status:
        rows = [r for r in rows if any(c.state.status == query.status for c in r.cells.values())]
    _count(rows, columns)

    group_order = list(dict.fromkeys(r.enterprise.group_id for r in rows))
    total_groups = len(group_order)
    pages = 1 if query.page_size <= 0 else max(1, math.ceil(total_groups / query.page_size))
    page = min(query.page, pages)
    if query.page_size > 0:
        start = (page - 1) * query.page_size
        shown = set(group_order[start : start + query.page_size])
        page_rows = [r for r in rows if r.enterprise.group_id in shown]
    else:
        page_rows = rows
    return Board(
        replace(query, page=page),
        programme,
        programmes,
        years,
        columns,
        page_rows,
        len(rows),
        total_groups,
        pages,
        group_names,
        {e.id for e in enterprises if e.parent_id is None and e.upgraded_mgmt},
        owing,
    )


def shown_cells(rows: list[Row]) -> Iterator[ShownCell]:
    for row in rows:
        for column_id, cell in row.cells.items():
            yield ShownCell(row.enterprise.id, column_id, cell.state.status.value, cell.covered_by)


def _count(rows: list[Row], columns: list[Column]) -> None:
    """Count each deliverable once: a 全级次 cell shown on many subsidiary rows is the group's."""
    by_id = {c.id: c for c in columns}
    for (column_id, status), n in items_by_column(shown_cells(rows)).items():
        by_id[column_id].counts[status] = n


def status_totals(board: Board) -> Counter[str]:
    totals: Counter[str] = Counter()
    for column in board.columns:
        totals.update(column.counts)
    return totals


__all__ = ["Board", "BoardQuery", "Status", "build_board", "status_totals"]
