"""GET /api/v1/board: the board as JSON."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery

from backend.domain.board.params import parse_board_query
from backend.domain.board.schemas import BoardCellOut, BoardObligationOut, BoardOut, BoardRowOut
from backend.domain.board.service import Board
from backend.domain.board.serving import cached_board, revalidation
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.web.dependencies import TenancyDep


def board_to_json(board: Board) -> BoardOut:
    return BoardOut(
        as_of=board.query.as_of.isoformat(),
        programme_id=board.programme["id"] if board.programme else None,
        total=board.total_rows,
        total_groups=board.total_groups,
        page=board.query.page,
        page_size=board.query.page_size,
        owing=dict(board.owing),
        obligations=[
            BoardObligationOut(
                id=c.id,
                code=c.code,
                title=c.title,
                short_title=c.short_title,
                due_on=c.due_on.isoformat(),
                year=c.due_year,
                applies_to=c.applies_to,
                counts=dict(c.counts),
            )
            for c in board.columns
        ],
        rows=[
            BoardRowOut(
                enterprise=row.enterprise.to_api(),
                cells=[
                    BoardCellOut(
                        obligation_id=cell.obligation_id,
                        status=cell.state.status.value,
                        due_on=cell.state.due_on.isoformat(),
                        submitted_at=cell.state.submitted_at.isoformat()
                        if cell.state.submitted_at
                        else None,
                        days_late=cell.state.days_late,
                        covered_by=cell.covered_by,
                    )
                    for cell in row.cells.values()
                ],
            )
            for row in board.rows
        ],
    )


class BoardApiController(Controller):
    path = "/api/v1/board"
    tags = ["board"]

    @get("/", operation_id="GetBoard", summary="进度看板（截至某日）", opt={"access": Access.BOARD})
    async def board(
        self,
        request: Request,
        tenancy: TenancyDep,
        as_of: FromQuery[str | None] = None,
        programme_id: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
        group: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        enterprise_id: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
        page_size: FromQuery[str | None] = None,
    ) -> Response[BoardOut]:
        """as_of is YYYY-MM-DD (default today, Asia/Shanghai); group is UPG7, T1 or SUB; status is
        a cell status code; page_size counts groups (with their subsidiaries), 0 or absent = all."""
        params = {
            "as_of": as_of,
            "programme_id": programme_id,
            "year": year,
            "group": group,
            "status": status,
            "q": q,
            "enterprise_id": enterprise_id,
            "page": page,
            "page_size": page_size,
        }
        query = parse_board_query(params, default_page_size=0)
        user = current_user(request)
        check = await revalidation(query, tenancy, "api", user.id if user else None)
        unchanged = check.not_modified(request)
        if unchanged is not None:
            return unchanged
        board = await cached_board(request, check.version, query, tenancy)
        return Response(board_to_json(board), headers=check.headers)
