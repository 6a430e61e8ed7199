"""Enterprise pages: the searchable roster and one enterprise's timeline."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from backend.domain.enterprises.timeline import enterprise_timeline
from backend.domain.errors import Invalid, NotFound
from backend.domain.shared.enterprises import (
    ENTERPRISE_SORT,
    get_enterprise,
    matches_query,
    visible_enterprises,
)
from backend.domain.shared.sorting import parse_sort, sort_rows
from backend.lib.timeutil import parse_date, today
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import TenancyDep
from backend.web.paging import page_of
from backend.web.params import QueryPage

PAGE_SIZE = 50


class EnterpriseController(Controller):
    path = "/enterprises"
    include_in_schema = False

    @get("/", name="enterprises:list", opt={"access": Access.BOARD})
    async def list_page(
        self,
        request: HTMXRequest,
        tenancy: TenancyDep,
        q: FromQuery[str] = "",
        page: QueryPage = 1,
    ) -> Template:
        everyone = await visible_enterprises(tenancy)
        sort = parse_sort(request.query_params.get("sort"), ENTERPRISE_SORT)
        rows = sort_rows([e for e in everyone if matches_query(e, q)], sort, ENTERPRISE_SORT)
        context = {
            **page_of(rows, page, PAGE_SIZE),
            "q": q,
            "sort": sort,
            "params": {"q": q, "sort": sort.param},
            "names": {e.id: e.name for e in everyone},
        }
        if request.htmx.target == "enterprise-rows":
            return Template(template_name="enterprises/partials/rows.html", context=context)
        return Template(template_name="enterprises/list.html", context=context)

    @get("/{enterprise_id:int}", name="enterprises:detail", opt={"access": Access.BOARD})
    async def detail(
        self,
        request: Request,
        tenancy: TenancyDep,
        enterprise_id: FromPath[int],
        as_of: FromQuery[str | None] = None,
    ) -> Template:
        enterprise = await get_enterprise(enterprise_id, tenancy)
        if enterprise is None:
            raise NotFound("未找到该企业。")
        try:
            day = parse_date(as_of) or today()
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        everyone = await visible_enterprises(tenancy)
        children = [e for e in everyone if e.parent_id == enterprise.id]
        descendants = sum(
            1 for e in everyone if e.id != enterprise.id and e.path.startswith(enterprise.path)
        )
        names = {e.id: e.name for e in everyone}
        timeline = await enterprise_timeline(enterprise, day, get_settings().due_soon_workdays)
        return Template(
            template_name="enterprises/detail.html",
            context={
                "e": enterprise,
                "children": children,
                "descendants": descendants,
                "names": names,
                "t": timeline,
                "as_of": day,
            },
        )
