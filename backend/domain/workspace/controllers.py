"""The enterprise workspace page (我的报送) and the list fragment htmx swaps in after a filter
change or an upload. Uploads themselves go to the submissions API."""

from __future__ import annotations

from litestar import Controller, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from backend.domain.board.params import parse_board_query
from backend.domain.errors import Forbidden
from backend.domain.rectification.reads import FindingFilter, list_findings
from backend.domain.workspace.service import build_workspace
from backend.lib.timeutil import end_of_day, today
from backend.rules.rectification.vocabulary import FindingStatus
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import TenancyDep

LIST_TARGET = "workspace-items"


class WorkspaceController(Controller):
    path = "/workspace"
    include_in_schema = False

    @get("/", name="workspace:page", opt={"access": Access.SUBMIT})
    async def page(self, request: HTMXRequest, tenancy: TenancyDep) -> Template:
        group_id = tenancy
        if group_id is None:  # Access.SUBMIT admits enterprise roles only; never SASAC-wide
            raise Forbidden("您没有权限执行此操作。")
        year = request.query_params.get("year")
        query = parse_board_query({"year": year}, default_page_size=0)
        workspace = await build_workspace(
            group_id, query.as_of, query.year, get_settings().due_soon_workdays
        )
        findings, _ = await list_findings(FindingFilter(), group_id, end_of_day(today()))
        # 整改: the group's open findings, overdue first, then by deadline.
        open_findings = sorted(
            (f for f in findings if FindingStatus(f["status"]).is_open),
            key=lambda f: (not f["overdue"], f["deadline"], f["id"]),
        )
        context = {"ws": workspace, "list_target": LIST_TARGET, "findings": open_findings}
        if request.htmx and request.htmx.target == LIST_TARGET:
            return Template(template_name="workspace/partials/items.html", context=context)
        return Template(template_name="workspace/page.html", context=context)
