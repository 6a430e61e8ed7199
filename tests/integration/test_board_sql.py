"""The board computed in the database (`board/paged.py`) answers as the Python path does
(`service.build_board`, every cell by `rules/cell_status.py`) on the demo data: the page's rows
and cells, the counts, the totals and the paging, under every filter, as of several dates; and
it runs the same number of statements whatever the size of the roster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine import engine_finder

from backend.db import fastread
from backend.domain.board.cells import refresh_board_cells
from backend.domain.board.paged import build_board_page
from backend.domain.board.service import Board, BoardQuery, build_board
from backend.domain.demo.generator import load_demo
from backend.domain.errors import NotFound
from backend.storage import FileStore
from tests import factories as f


def summary(board: Board) -> dict[str, Any]:
    return {
        "query": board.query,
        "total_rows": board.total_rows,
        "total_groups": board.total_groups,
        "pages": board.pages,
        "columns": [(c.id, {k: v for k, v in c.counts.items() if v}) for c in board.columns],
        "rows": [
            (r.enterprise, {k: (c.state, c.covered_by) for k, c in r.cells.items()})
            for r in board.rows
        ],
        "upgraded_on_page": {r.enterprise.group_id for r in board.rows} & board.upgraded_groups,
        "years": board.years,
        # The legend's per-status enterprise counts, once the Python path has them.
        "owing": {k: v for k, v in vars(board).get("owing", {}).items() if v}
        if "owing" in Board.__dataclass_fields__
        else None,
    }


@pytest.fixture
async def demo(programme: int, tmp_path: Path) -> dict[str, int]:
    await load_demo(FileStore(tmp_path), today=dt.date(2026, 11, 28))
    rows = await fastread.fetch_tuples(
        "SELECT id, parent, group_id FROM enterprise WHERE active ORDER BY id"
    )
    group = next(r[0] for r in rows if r[1] is None and any(s[2] == r[0] != s[0] for s in rows))
    tier2 = next(r[0] for r in rows if r[1] == group)
    return {"group": group, "tier2": tier2}


QUERIES: list[dict[str, Any]] = [
    {},
    {"page_size": 40},
    {"page_size": 7, "page": 2},
    {"page_size": 7, "page": 99},
    {"status": "overdue", "page_size": 40},
    {"status": "returned"},
    {"status": "exempt", "page_size": 5},
    {"status": "approved_late", "cohort": "SUB"},
    {"cohort": "SUB", "page_size": 40},
    {"cohort": "UPG7"},
    {"cohort": "T1", "status": "submitted"},
    {"year": 2024, "page_size": 10},
    {"year": 2025, "status": "due_soon"},
    {"q": "（示例）", "page_size": 40},
    {"q": "包头 钢铁"},
    {"q": "no such name"},
]


@pytest.mark.parametrize("as_of", ["2023-06-15", "2024-01-31", "2025-03-01", "2026-11-28"])
async def test_sql_board_matches_python(demo: dict[str, int], as_of: str) -> None:
    day = dt.date.fromisoformat(as_of)
    cases = [*QUERIES, {"enterprise_id": demo["group"]}, {"enterprise_id": demo["tier2"]}]
    for params in cases:
        query = BoardQuery(as_of=day, **params)
        python, sql = await build_board(query), await build_board_page(query)
        assert summary(sql) == summary(python), params


async def test_sql_board_within_a_scope(demo: dict[str, int]) -> None:
    for params in [{}, {"status": "overdue"}, {"cohort": "SUB"}, {"q": "有限"}]:
        query = BoardQuery(as_of=dt.date(2025, 6, 30), page_size=40, **params)
        python = await build_board(query, scope=demo["group"])
        sql = await build_board_page(query, scope=demo["group"])
        assert summary(sql) == summary(python), params
        assert {r.enterprise.group_id for r in sql.rows} <= {demo["group"]}


async def test_an_enterprise_outside_the_scope_is_not_found(demo: dict[str, int]) -> None:
    other = (await fastread.fetch_tuples(
        "SELECT id FROM enterprise WHERE parent IS NULL AND id <> {} ORDER BY id", demo["group"]
    ))[0][0]  # fmt: skip
    query = BoardQuery(as_of=dt.date(2025, 6, 30), enterprise_id=other)
    with pytest.raises(NotFound):
        await build_board_page(query, scope=demo["group"])


class StatementCounter:
    """Counts every statement: Piccolo's (through the engine) and the board's direct reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        engine = engine_finder()
        for name in ("fetch_tuples", "fetch_numbered"):
            monkeypatch.setattr(fastread, name, self._counted(getattr(fastread, name)))
        original = type(engine).run_querystring

        async def run_querystring(engine_: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(engine_, *args, **kwargs)

        monkeypatch.setattr(type(engine), "run_querystring", run_querystring)

    def _counted(self, fetch: Any) -> Any:
        async def counted(*args: Any) -> Any:
            self.count += 1
            return await fetch(*args)

        return counted


async def add_groups(n: int, obligation: int) -> None:
    for i in range(n):
        group = await f.enterprise(f"计数集团{i}（示例）")
        child = await f.enterprise(f"计数子企业{i}（示例）", parent=group, group_id=group)
        await f.enterprise(f"计数孙企业{i}（示例）", parent=child, group_id=group)
        version = await f.submit(group, obligation, dt.datetime(2023, 5, 20 + i % 5, tzinfo=dt.UTC))
        if i % 2:
            await f.review(version, "approve", dt.datetime(2023, 6, 1, tzinfo=dt.UTC))


async def test_statements_per_board_do_not_grow_with_the_roster(
    programme: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    obligation = await f.obligation_id("P1")
    queries = [
        BoardQuery(as_of=dt.date(2024, 1, 31), page_size=2),
        BoardQuery(as_of=dt.date(2024, 1, 31), status="approved", page_size=40),
        BoardQuery(as_of=dt.date(2024, 1, 31), q="计数", cohort="SUB"),
    ]

    async def counts() -> list[tuple[int, int]]:
        found = []
        for query in queries:
            counter.count = 0
            board = await build_board_page(query)
            found.append((counter.count, board.total_rows))
        return found

    # The writes' cells are rebuilt once, by the first read after them (tests/integration/
    # test_board_cells.py); what must not grow is what every read costs.
    await add_groups(3, obligation)
    await refresh_board_cells()
    counter = StatementCounter(monkeypatch)
    small = await counts()
    monkeypatch.undo()
    await add_groups(40, obligation)
    await refresh_board_cells()
    counter = StatementCounter(monkeypatch)
    large = await counts()
    assert [n for n, _ in small] == [n for n, _ in large]
    assert all(5 <= n <= 7 for n, _ in large), large
    assert [rows for _, rows in large] != [rows for _, rows in small]  # the roster did grow
