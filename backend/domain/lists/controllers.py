"""The three-lists pages: an enterprise's lists with upload (预检 or a new version), SASAC's
coverage of the 17 domains (with an xlsx export) and a search of risk items across enterprises."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.domain.errors import Invalid, NotFound
from backend.domain.lists.api import BODY_LIMIT, XLSX, import_out, template_response
from backend.domain.lists.coverage_sheet import coverage_workbook
from backend.domain.lists.reads import coverage, latest_lists, search_risks
from backend.domain.lists.upload import upload_workbook
from backend.domain.lists.vocabulary import load_vocabulary
from backend.domain.shared.enterprises import get_enterprise, visible_enterprises
from backend.lib.ids import parse_id
from backend.rules.cohorts import Cohort
from backend.rules.lists.model import RiskLevel
from backend.security.audit import AuditAction, record
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.web.dependencies import ActorDep, StoreDep, TenancyDep


def _int(raw: str | None, label: str) -> int | None:
    if raw is None or not raw.strip():
        return None
    value = parse_id(raw)  # ASCII digits within int4: "²" or 10**30 must not reach int() or SQL
    if value is None:
        raise Invalid(f"{label}应为正整数。")
    return value


def _cohort(raw: str | None) -> str | None:
    if raw and raw not in set(Cohort):
        raise Invalid("企业类别无效。")
    return raw or None


class ListsController(Controller):
    path = "/lists"
    include_in_schema = False

    @get("/", name="lists:page", opt={"access": Access.BOARD})
    async def page(
        self, request: Request, tenancy: TenancyDep, enterprise_id: FromQuery[str | None] = None
    ) -> Response:
        user = current_user(request)
        scope = tenancy
        chosen = _int(enterprise_id, "企业编号")
        if scope is None and chosen is None:  # SASAC: start from the coverage view
            return Redirect("/lists/coverage")
        target = chosen or (user.enterprise_id if user else None)
        enterprise = await get_enterprise(target, scope) if target else None
        if enterprise is None:
            raise NotFound("未找到该企业。")
        try:
            lists = await latest_lists(enterprise.id, scope)
        except NotFound:
            lists = None  # nothing imported yet
        choices = await visible_enterprises(scope) if scope is not None else []
        return Template(
            template_name="lists/page.html",
            context={
                "lists": lists,
                "target": enterprise,
                "choices": choices,
                "can_upload": bool(user and user.is_enterprise),
                "active_menu": "lists",
            },
        )

    @post(
        "/upload",
        name="lists:upload",
        opt={"access": Access.SUBMIT},
        request_max_body_size=BODY_LIMIT,
        status_code=200,
    )
    async def upload(
        self, request: Request, actor: ActorDep, tenancy: TenancyDep, store: StoreDep
    ) -> Template:
        outcome = await upload_workbook(request, actor=actor, tenancy=tenancy, store=store)
        return Template(
            template_name="lists/partials/result.html", context={"result": import_out(outcome)}
        )

    @get("/template", name="lists:template", opt={"access": Access.BOARD})
    async def template(self) -> Response[bytes]:
        return template_response()

    @get("/coverage", name="lists:coverage", opt={"access": Access.EXPORT})
    async def coverage_page(self, cohort: FromQuery[str | None] = None) -> Template:
        data = await coverage(_cohort(cohort))
        return Template(
            template_name="lists/coverage.html",
            context={
                "cov": data,
                "cohort": cohort or "",
                "cohorts": {c: c.label for c in Cohort},
                "active_menu": "lists_coverage",
            },
        )

    @get("/coverage.xlsx", name="lists:coverage_xlsx", opt={"access": Access.EXPORT})
    async def coverage_xlsx(
        self, actor: ActorDep, cohort: FromQuery[str | None] = None
    ) -> Response[bytes]:
        data = await coverage(_cohort(cohort))
        await record(
            AuditAction.EXPORT,
            actor,
            entity="lists_coverage",
            changes={"cohort": cohort or "", "rows": data.total},
        )
        return Response(
            coverage_workbook(data),
            media_type=XLSX,
            headers={
                "Content-Disposition": "attachment; filename*=UTF-8''"
                "%E4%B8%89%E5%BC%A0%E6%B8%85%E5%8D%95%E8%A6%86%E7%9B%96.xlsx"
            },
        )

    @get("/risks", name="lists:risks", opt={"access": Access.EXPORT})
    async def risks_page(
        self,
        q: FromQuery[str] = "",
        domain: FromQuery[str] = "",
        level: FromQuery[str] = "",
        page: FromQuery[str | None] = None,
    ) -> Template:
        if level and level not in set(RiskLevel):
            raise Invalid("风险等级无效。")
        found = await search_risks(
            q=q, domain=domain, level=level, page=_int(page, "页码") or 1, page_size=50
        )
        return Template(
            template_name="lists/risks.html",
            context={
                "found": found,
                "q": q,
                "domain": domain,
                "level": level,
                "page": _int(page, "页码") or 1,
                "domains": load_vocabulary().domains,
                "levels": RiskLevel.labels(),
                "active_menu": "lists_coverage",
            },
        )
