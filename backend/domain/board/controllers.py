"""The board page: the full page, the board fragment htmx swaps in, and a cell's side panel."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from markupsafe import Markup

from backend.domain.board.history import cell_history
from backend.domain.board.markup import row_cells
from backend.domain.board.params import parse_board_query, query_params
from backend.domain.board.service import Board
from backend.domain.board.serving import board_with_html, revalidation, session_mark
from backend.domain.errors import Invalid, NotFound
from backend.domain.lists.panel import lists_panel
from backend.domain.rectification.reads import open_counts
from backend.lib.timeutil import end_of_day, parse_date, today
from backend.rules.cell_status import Status
from backend.security.guards import current_user
from backend.security.policy import Access, Role, desks
from backend.settings import get_settings
from backend.web.dependencies import TenancyDep
from backend.web.params import QueryInt

GROUPS_PER_PAGE = 40


@get("/", include_in_schema=False, opt={"access": Access.SIGNED_IN})
async def home(request: Request) -> Redirect:
    user = current_user(request)
    if desks(user):  # the 工作台 first, for everyone who has one
        return Redirect(path="/dashboard")
    if user is not None and user.role is Role.AUDITOR:
        return Redirect(path="/audit")
    if user is not None and user.is_enterprise:
        return Redirect(path="/workspace")
    return Redirect(path="/board")


class BoardController(Controller):
    path = "/board"
    include_in_schema = False

    @get("/", name="board:page", opt={"access": Access.BOARD})
    async def page(self, request: HTMXRequest, tenancy: TenancyDep) -> Template | Response[str]:
        query = parse_board_query(dict(request.query_params), default_page_size=GROUPS_PER_PAGE)
        fragment = bool(request.htmx) and request.htmx.target == "board"
        check = await revalidation(query, tenancy, fragment, session_mark(request))
        unchanged = check.not_modified(request)
        if unchanged is not None:
            return unchanged

        rectification = await open_counts(tenancy, end_of_day(query.as_of))

        def context_for(board: Board) -> dict[str, Any]:
            return {
                "rect": rectification,
                "rect_years": sorted({c.due_year for c in board.columns}),
                "board": board,
                "params": query_params(query),
                "statuses": list(Status),
                "expand": bool(query.q or query.status or query.enterprise_id or query.cohort),
                "today": today(),
                "row_cells": row_cells,  # the cells of a row, built in Python (markup.py)
                "as_of_iso": query.as_of.isoformat(),
            }

        board, grid = await board_with_html(request, check.version, query, tenancy, context_for)
        if fragment:
            return Response(grid, media_type=MediaType.HTML, headers=check.headers)
        context = {**context_for(board), "grid": Markup(grid)}  # rendered from our template
        return Template(template_name="board/page.html", context=context, headers=check.headers)

    @get("/cell", name="board:cell", opt={"access": Access.BOARD})
    async def cell(
        self,
        request: Request,
        tenancy: TenancyDep,
        enterprise_id: QueryInt,
        obligation_id: QueryInt,
        as_of: FromQuery[str | None] = None,
    ) -> Template:
        try:
            day = parse_date(as_of) or today()
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        history = await cell_history(
            enterprise_id,
            obligation_id,
            day,
            get_settings().due_soon_workdays,
            tenancy,
        )
        if history is None:
            raise NotFound("未找到该企业的这项节点任务。")
        lists = await lists_panel(history.reporter.id, history.obligation["code"])
        return Template(
            template_name="board/partials/cell.html",
            context={"h": history, "as_of": day, "lists": lists},
        )
