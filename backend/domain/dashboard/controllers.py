"""The 工作台 page: the first page after sign-in. The page is a frame; `static/dashboard.js`
reads the JSON endpoints of the user's panels (`policy.desks`) and draws each chart with the
table of its numbers."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.domain.dashboard.api import as_of_date
from backend.security.guards import current_user
from backend.security.policy import Access, desks


class DashboardController(Controller):
    path = "/dashboard"
    include_in_schema = False

    @get("/", name="dashboard:page", opt={"access": Access.BOARD})
    async def page(self, request: Request, as_of: FromQuery[str | None] = None) -> Template:
        day = as_of_date(as_of)
        context = {
            "desks": [d.value for d in desks(current_user(request))],
            "as_of": day,
            "active_menu": "dashboard",
        }
        return Template(template_name="dashboard/page.html", context=context)
