"""The leaders' and SASAC staff's 工作台: the programme at a glance, as of a date.

Computed from the board's own facts and cell rules, in a fixed number of statements whatever the
roster's size: the programme and its obligations, the roster, the facts (as the board loads
them), and the year's scores. Each group's own cells are counted once (a 全级次 cell shown on
its subsidiaries' rows is the group's), as the board's column counts do. The monthly on-time
series comes from the same facts in one pass (`rules/ontime.py`), not a recomputation per month."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from backend.domain.board.facts import load_facts
from backend.domain.board.service import CellComputer, Column, cell_plan, load_columns, paused_gc
from backend.domain.dashboard.schemas import (
    BreakdownOut,
    CountOut,
    GradeOut,
    GradesOut,
    OverdueOut,
    OverviewOut,
    PointOut,
    StatusOut,
)
from backend.domain.errors import NotFound
from backend.domain.programmes.service import list_programmes, pick_programme
from backend.domain.scores.inputs import active_lock
from backend.domain.scores.service import compute_scores
from backend.domain.shared.enterprises import EnterpriseRow, visible_enterprises
from backend.lib.timeutil import end_of_day
from backend.rules.cell_status import CellState, Status
from backend.rules.cohorts import Cohort
from backend.rules.ontime import CellFacts, deadline_utc, series

# What the completion charts show: the outcome of what was owed.
CHART_STATUSES = (
    Status.APPROVED,
    Status.APPROVED_LATE,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.OVERDUE,
)
GRADES = ("优秀", "良好", "合格", "不合格")
TOP_OVERDUE = 10


@dataclass(frozen=True, slots=True)
class OwnCell:
    enterprise: EnterpriseRow
    column: Column
    state: CellState


def link(path: str, **params: Any) -> str:
    shown = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(shown)}" if shown else path


def on_time_rate(cells: Iterable[OwnCell], instant: dt.datetime) -> float | None:
    """Among cells past their (effective) deadline and not 不适用, the share first delivered by
    it: the rule `rules/ontime.py` applies at every month end."""
    owed = on_time = 0
    instant = instant.astimezone(dt.UTC)
    for cell in cells:
        state = cell.state
        if state.status is Status.EXEMPT:
            continue
        deadline = deadline_utc(state.due_on)
        if instant <= deadline:
            continue
        owed += 1
        on_time += state.submitted_at is not None and state.submitted_at <= deadline
    return None if owed == 0 else round(on_time / owed, 4)


def breakdown(
    key: str, label: str, cells: list[OwnCell], instant: dt.datetime, **filters: Any
) -> BreakdownOut:
    counts = Counter(c.state.status for c in cells)
    return BreakdownOut(
        key=key,
        label=label,
        owed=sum(1 for c in cells if c.state.status is not Status.EXEMPT),
        on_time_rate=on_time_rate(cells, instant),
        counts=[
            CountOut(
                status=s.value, count=counts[s], link=link("/board", **filters, status=s.value)
            )
            for s in CHART_STATUSES
        ],
        link=link("/board", **filters),
    )


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of each month from `first`'s month, ending with `last` itself."""
    days = []
    year, month = first.year, first.month
    while (year, month) < (last.year, last.month):
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        days.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    if first <= last:
        days.append(last)
    return days


def _phases(programme: dict[str, Any]) -> list[dict[str, Any]]:
    raw = programme.get("phases") or []
    return list(json.loads(raw) if isinstance(raw, str) else raw)


async def overview(
    as_of: dt.date, window_workdays: int, scope: int | None, programme_id: int | None = None
) -> OverviewOut:
    programme = pick_programme(await list_programmes(), programme_id)
    if programme is None and programme_id is not None:
        raise NotFound("未找到该工作方案。")
    columns = await load_columns(programme["id"]) if programme else []
    groups = [e for e in await visible_enterprises(scope) if e.cohort is not Cohort.SUB]
    instant = end_of_day(as_of)
    day = as_of.isoformat()
    pid = programme["id"] if programme else None
    ids = [g.id for g in groups]
    with paused_gc():
        facts = await load_facts([c.id for c in columns], instant, ids if len(ids) <= 500 else None)
        computer = CellComputer(facts, instant, window_workdays)
        plan = cell_plan(columns)
        cohorts = {g.id: g.cohort for g in groups}  # a property that computes: once per group
        cells = [
            OwnCell(g, column, computer.state(g.id, column))
            for g in groups
            for column, covered in plan[cohorts[g.id]]
            if not covered
        ]
        history = series(
            [
                CellFacts(
                    c.column.due_on,
                    facts.versions.get((c.enterprise.id, c.column.id), ()),
                    facts.exemptions.get((c.enterprise.id, c.column.id), ()),
                )
                for c in cells
            ],
            [end_of_day(d) for d in month_ends(min(c.due_on for c in columns), as_of)]
            if columns
            else [],
        )

    by_year: dict[int, list[OwnCell]] = defaultdict(list)
    by_phase: dict[str, list[OwnCell]] = defaultdict(list)
    by_cohort: dict[Cohort, list[OwnCell]] = defaultdict(list)
    for cell in cells:
        by_year[cell.column.due_year or cell.column.due_on.year].append(cell)
        by_phase[cell.column.phase].append(cell)
        by_cohort[cohorts[cell.enterprise.id]].append(cell)
    base = {"as_of": day, "programme_id": pid}
    phases = _phases(programme) if programme else []
    known = [p["code"] for p in phases]
    phase_names = {p["code"]: p["name"] for p in phases}

    return OverviewOut(
        as_of=day,
        programme_id=pid,
        programme_title=programme["title"] if programme else "",
        enterprises=len(groups),
        board_link=link("/board", **base),
        statuses=[StatusOut(code=s.value, label=s.label) for s in CHART_STATUSES],
        by_year=[
            breakdown(str(y), f"{y}年度", by_year[y], instant, **base, year=y)
            for y in sorted(by_year)
        ],
        # The board has no phase filter: a phase's numbers open the board by status.
        by_phase=[
            breakdown(code, phase_names.get(code, "未分阶段"), by_phase[code], instant, **base)
            for code in [*known, *sorted(set(by_phase) - set(known))]
            if code in by_phase
        ],
        cohorts=[
            breakdown(c.value, c.label, by_cohort[c], instant, **base, group=c.value)
            for c in (Cohort.UPG7, Cohort.T1)
        ],
        on_time=[
            PointOut(
                month=p.instant.strftime("%Y-%m"),
                as_of=p.instant.date().isoformat(),
                owed=p.owed,
                on_time=p.on_time,
                rate=None if p.rate is None else round(p.rate, 4),
                link=link("/board", as_of=p.instant.date().isoformat(), programme_id=pid),
            )
            for p in history
        ],
        top_overdue=_top_overdue(cells, base),
        grades=await _grades(programme, columns, as_of, scope),
    )


def _top_overdue(cells: list[OwnCell], base: dict[str, Any]) -> list[OverdueOut]:
    late: dict[int, list[OwnCell]] = defaultdict(list)
    for cell in cells:
        if cell.state.status is Status.OVERDUE:
            late[cell.enterprise.id].append(cell)
    ranked = sorted(
        late.values(),
        key=lambda found: (
            -max(c.state.days_late for c in found),
            -len(found),
            found[0].enterprise.name,
        ),
    )
    return [
        OverdueOut(
            enterprise_id=found[0].enterprise.id,
            name=found[0].enterprise.name,
            cohort=found[0].enterprise.cohort.value,
            cohort_label=found[0].enterprise.cohort.label,
            items=len(found),
            days_late=max(c.state.days_late for c in found),
            link=link(
                "/board", **base, enterprise_id=found[0].enterprise.id, status=Status.OVERDUE.value
            ),
        )
        for found in ranked[:TOP_OVERDUE]
    ]


async def _grades(
    programme: dict[str, Any] | None, columns: list[Column], as_of: dt.date, scope: int | None
) -> GradesOut:
    years = sorted({c.due_year for c in columns if c.due_year})
    if programme is None or not years:
        return GradesOut(year=None, locked=False, counts=[], link="/scores")
    year = min(max(as_of.year, years[0]), years[-1])  # the year 合规得分 opens on, as of then
    scores = await compute_scores(year, as_of, scope=scope, programme_id=programme["id"])
    locked = await active_lock(programme["id"], year) is not None
    counts = Counter(s.result.grade for s in scores)
    target = link("/scores", year=year, as_of=as_of.isoformat())
    return GradesOut(
        year=year,
        locked=locked,
        counts=[GradeOut(grade=g, count=counts.get(g, 0), link=target) for g in GRADES],
        link=target,
    )
