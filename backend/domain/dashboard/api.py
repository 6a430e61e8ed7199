"""GET /api/v1/dashboard/...: the 工作台's numbers as JSON, for its charts and for other systems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery

from backend.domain.board.cache import BoardCache, data_version
from backend.domain.dashboard.desks import enterprise_desk, review_desk
from backend.domain.dashboard.schemas import EnterpriseDeskOut, OverviewOut, ReviewDeskOut
from backend.domain.dashboard.service import overview
from backend.domain.errors import Forbidden, Invalid
from backend.lib.ids import MAX_ID
from backend.lib.timeutil import parse_date, today
from backend.security.policy import DESK_ACCESS, Desk
from backend.settings import get_settings
from backend.web.cancel import unless_disconnected
from backend.web.dependencies import TenancyDep
from backend.web.memory import HEAVY


def as_of_date(raw: str | None) -> dt.date:
    try:
        return parse_date(raw) or today()
    except ValueError as exc:
        raise Invalid(str(exc)) from None


def programme_param(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not text.isdecimal() or not 1 <= int(text) <= MAX_ID:
        raise Invalid(f"工作方案编号应为正整数，收到“{raw}”。")
    return int(text)


def overview_cache(request: Request[Any, Any, Any]) -> BoardCache:
    """One small cache per app, beside the board's: the overview costs a board and a ranking,
    and leaders open it at the same moments (a burst shares one build)."""
    state = request.app.state
    if "dashboards" not in state:
        state.dashboards = BoardCache(size=8)
    cache: BoardCache = state.dashboards
    return cache


class DashboardApiController(Controller):
    path = "/api/v1/dashboard"
    tags = ["dashboard"]

    @get(
        "/overview",
        operation_id="GetDashboardOverview",
        summary="工作台：全市完成情况（截至某日）",
        opt={"access": DESK_ACCESS[Desk.OVERVIEW]},
    )
    async def overview(
        self,
        request: Request[Any, Any, Any],
        tenancy: TenancyDep,
        as_of: FromQuery[str | None] = None,
        programme_id: FromQuery[str | None] = None,
    ) -> OverviewOut:
        """Completion by year, phase and cohort; the monthly on-time rate; the ten most overdue
        enterprises; the year's grades. as_of is YYYY-MM-DD (default today, Asia/Shanghai)."""
        day, programme, window = (
            as_of_date(as_of),
            programme_param(programme_id),
            get_settings().due_soon_workdays,
        )
        # Keyed by the board's data version, which changes with anything the overview reads
        # (every change of state is audited, scores included).
        key = ("overview", await data_version(), day, programme, tenancy, window)
        with HEAVY.working():
            return await unless_disconnected(
                request,
                overview_cache(request).get(key, lambda: overview(day, window, tenancy, programme)),
            )

    @get(
        "/review",
        operation_id="GetDashboardReview",
        summary="工作台：待审核事项",
        opt={"access": DESK_ACCESS[Desk.REVIEW]},
    )
    async def review(self) -> ReviewDeskOut:
        """What waits for review now: count, oldest, overdue, drafts, resubmissions."""
        return await review_desk()

    @get(
        "/enterprise",
        operation_id="GetDashboardEnterprise",
        summary="工作台：本集团待办事项",
        opt={"access": DESK_ACCESS[Desk.ENTERPRISE]},
    )
    async def enterprise(
        self, tenancy: TenancyDep, as_of: FromQuery[str | None] = None
    ) -> EnterpriseDeskOut:
        """The group's deliverables due in the next 30 days, the returned ones, and its latest
        locked score. as_of is YYYY-MM-DD (default today)."""
        if tenancy is None:  # enterprise roles only; never SASAC-wide
            raise Forbidden("您没有权限执行此操作。")
        return await enterprise_desk(tenancy, as_of_date(as_of), get_settings().due_soon_workdays)
