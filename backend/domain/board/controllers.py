"""The board page: the full page, the board fragment htmx swaps in, and a cell's side panel."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.domain.board.history import cell_history
from backend.domain.board.params import parse_board_query, query_params
from backend.domain.board.service import build_board, status_totals
from backend.lib.timeutil import parse_date, today
from backend.rules.cell_status import Status
from backend.settings import get_settings

GROUPS_PER_PAGE = 40


@get("/", include_in_schema=False)
async def home() -> Redirect:
    return Redirect(path="/board")


class BoardController(Controller):
    path = "/board"
    include_in_schema = False

    @get("/", name="board:page")
    async def page(self, request: Request) -> Template:
        query = parse_board_query(dict(request.query_params), default_page_size=GROUPS_PER_PAGE)
        board = await build_board(query, get_settings().due_soon_workdays)
        context = {
            "board": board,
            "params": query_params(query),
            "totals": status_totals(board),
            "statuses": list(Status),
            "expand": bool(query.q or query.status or query.enterprise_id or query.cohort),
            "today": today(),
        }
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "board":
            return Template(template_name="board/partials/board.html", context=context)
        return Template(template_name="board/page.html", context=context)

    @get("/cell", name="board:cell")
    async def cell(
        self,
        enterprise_id: FromQuery[int],
        obligation_id: FromQuery[int],
        as_of: FromQuery[str | None] = None,
    ) -> Template:
        try:
            day = parse_date(as_of) or today()
        except ValueError as exc:
            raise ValidationException(str(exc)) from None
        history = await cell_history(
            enterprise_id, obligation_id, day, get_settings().due_soon_workdays
        )
        if history is None:
            raise NotFoundException("未找到该企业的这项节点任务。")
        return Template(
            template_name="board/partials/cell.html", context={"h": history, "as_of": day}
        )
