"""The board's spans (`board_cell`) follow the facts: whatever writes a fact, the database marks
the cell, and the next board read rebuilds it, once, in whichever process reads first."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

from backend.db import fastread
from backend.db.tables import BoardCell, BoardCellDirty, Enterprise, Exemption, Obligation
from backend.domain.board.cells import refresh_board_cells
from backend.domain.board.paged import build_board_page
from backend.domain.board.service import BoardQuery
from backend.rules.cell_spans import BEGINNING, END
from backend.rules.cell_status import Status
from tests import factories as f

AS_OF = dt.date(2024, 1, 31)


async def status_of(enterprise: int, obligation: int, as_of: dt.date = AS_OF) -> Status:
    board = await build_board_page(BoardQuery(as_of=as_of, q="跟随"))
    row = next(r for r in board.rows if r.enterprise.id == enterprise)
    return row.cells[obligation].state.status


async def spans_of(enterprise: int, obligation: int) -> list[dict]:
    return await (
        BoardCell.select(BoardCell.valid_from, BoardCell.valid_to, BoardCell.state)
        .where((BoardCell.rid == enterprise) & (BoardCell.oid == obligation))
        .order_by(BoardCell.valid_from)
    )


async def test_each_fact_reaches_the_board_through_the_marks(programme: int) -> None:
    p1 = await f.obligation_id("P1")  # due 2023-05-22
    group = await f.enterprise("跟随集团（示例）")
    assert await status_of(group, p1) is Status.OVERDUE
    assert await BoardCellDirty.count() == 0  # the read consumed the marks

    version = await f.submit(group, p1, dt.datetime(2023, 6, 1, tzinfo=dt.UTC))
    assert await BoardCellDirty.count() > 0  # marked by the database, not by the caller
    assert await status_of(group, p1) is Status.SUBMITTED
    await f.review(version, "return", dt.datetime(2023, 6, 5, tzinfo=dt.UTC))
    assert await status_of(group, p1) is Status.RETURNED
    second = await f.submit(group, p1, dt.datetime(2023, 6, 9, tzinfo=dt.UTC), version_no=2)
    await f.review(second, "approve", dt.datetime(2023, 6, 12, tzinfo=dt.UTC))
    assert await status_of(group, p1) is Status.APPROVED_LATE
    # The past is replayed from the spans: on 2023-06-06 the first version was returned.
    assert await status_of(group, p1, dt.date(2023, 6, 6)) is Status.RETURNED
    assert await status_of(group, p1, dt.date(2023, 5, 1)) is Status.NOT_DUE

    await f.exempt(group, p1, dt.datetime(2023, 12, 1, tzinfo=dt.UTC), "不适用测试")
    assert await status_of(group, p1) is Status.EXEMPT
    await Exemption.update({Exemption.revoked_at: dt.datetime(2024, 1, 10, tzinfo=dt.UTC)}).where(
        Exemption.enterprise == group
    )
    assert await status_of(group, p1) is Status.APPROVED_LATE

    spans = await spans_of(group, p1)  # contiguous from the beginning to the end of time
    assert fastread.as_utc(spans[0]["valid_from"]) == BEGINNING
    assert fastread.as_utc(spans[-1]["valid_to"]) == END
    assert all(a["valid_to"] == b["valid_from"] for a, b in itertools.pairwise(spans))


async def test_roster_and_programme_changes_rebuild_the_cells(programme: int) -> None:
    p1 = await f.obligation_id("P1")
    group = await f.enterprise("跟随集团二（示例）")
    assert await status_of(group, p1) is Status.OVERDUE
    # A later due date (a programme file changed): the cell is not overdue yet on that day.
    await Obligation.update({Obligation.due_on: dt.date(2024, 3, 1)}).where(Obligation.id == p1)
    assert await status_of(group, p1) is Status.NOT_DUE
    # A group that becomes a subsidiary reports nothing itself: its cells leave the table.
    other = await f.enterprise("跟随集团三（示例）")
    await refresh_board_cells()
    assert await BoardCell.count().where(BoardCell.rid == group) > 0
    await Enterprise.update({Enterprise.parent: other}).where(Enterprise.id == group)
    await refresh_board_cells()
    assert await BoardCell.count().where(BoardCell.rid == group) == 0


async def test_concurrent_refreshes_rebuild_each_cell_once(programme: int) -> None:
    p1 = await f.obligation_id("P1")
    groups = [await f.enterprise(f"并发集团{i}（示例）") for i in range(5)]
    for i, group in enumerate(groups):
        await f.submit(group, p1, dt.datetime(2023, 5, 10 + i, tzinfo=dt.UTC))
    handled = await asyncio.gather(*(refresh_board_cells() for _ in range(4)))
    assert sum(handled) > 0 and await BoardCellDirty.count() == 0
    for group in groups:  # one set of spans per cell, not one per refresh
        assert [s["state"] for s in await spans_of(group, p1)] == ["nosub", "submitted"]
