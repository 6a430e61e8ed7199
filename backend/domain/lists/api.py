"""The three-lists API: the template, an upload (or a dry run), an enterprise's latest lists,
the coverage across enterprises and a search of risk items (SASAC)."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.openapi.spec import OpenAPIType
from litestar.params import FromQuery

from backend.domain.errors import Invalid
from backend.domain.lists import schemas as s
from backend.domain.lists.reads import check_outs, coverage, latest_lists, search_risks
from backend.domain.lists.service import ImportOutcome, serialize_checks
from backend.domain.lists.template import build_template
from backend.domain.lists.upload import TRUE, upload_workbook
from backend.domain.lists.vocabulary import load_vocabulary
from backend.lib.ids import parse_id
from backend.rules.cohorts import Cohort
from backend.rules.lists.model import RiskLevel
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.web.dependencies import ActorDep, StoreDep, TenancyDep
from backend.web.openapi import field, file_field, form, multipart_operation

BODY_LIMIT = 4 * 1024 * 1024 * 1024  # receive_upload enforces MAX_UPLOAD_MB while streaming
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "三张清单模板.xlsx"


def import_out(outcome: ImportOutcome) -> s.ImportOut:
    return s.ImportOut(
        version=outcome.version,
        errors=[
            s.CellErrorOut(sheet=e.sheet, row=e.row, column=e.column, message=e.message)
            for e in outcome.errors
        ],
        checks=check_outs(serialize_checks(outcome.checks)),
    )


def template_response() -> Response[bytes]:
    return Response(
        build_template(load_vocabulary()),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(TEMPLATE_NAME)}"},
    )


UPLOAD_FORM = form(
    {
        "file": file_field("填好的三张清单模板（xlsx）"),
        "enterprise_id": field(OpenAPIType.INTEGER, "企业编号（默认：本账户所属企业）"),
    },
    required=["file"],
)


def _positive(raw: str | None, label: str) -> int | None:
    if raw is None or not raw.strip():
        return None
    value = parse_id(raw)  # ASCII digits within int4: "²" or 10**30 must not reach int() or SQL
    if value is None:
        raise Invalid(f"{label}应为正整数。")
    return value


class ListsApiController(Controller):
    path = "/api/v1/lists"
    tags = ["lists"]

    @get(
        "/template",
        operation_id="GetListsTemplate",
        summary="下载三张清单模板（xlsx）",
        opt={"access": Access.BOARD},
        media_type=XLSX,
    )
    async def template(self) -> Response[bytes]:
        return template_response()

    @post(
        "/",
        operation_id="ImportLists",
        summary="导入三张清单（新版本；dry_run=1 只校验不保存）",
        opt={"access": Access.SUBMIT},
        request_max_body_size=BODY_LIMIT,
        status_code=201,
        operation_class=multipart_operation(UPLOAD_FORM),
    )
    async def create(
        self,
        request: Request,
        actor: ActorDep,
        tenancy: TenancyDep,
        store: StoreDep,
        dry_run: FromQuery[str] = "",
    ) -> Response[s.ImportOut]:
        """multipart/form-data: `file` (the filled template), `enterprise_id` (default: the
        account's enterprise). Answers 201 with the new version, 200 for a dry run, 422 with
        every error by sheet, row and column (nothing stored). Browsers send X-CSRFToken."""
        outcome = await upload_workbook(
            request,
            actor=actor,
            tenancy=tenancy,
            store=store,
            dry_run=dry_run.lower() in TRUE or None,
        )
        status = 422 if outcome.errors else 201 if outcome.version else 200
        return Response(import_out(outcome), status_code=status)

    @get(
        "/",
        operation_id="GetLists",
        summary="企业最新版本的三张清单",
        opt={"access": Access.BOARD},
    )
    async def latest(
        self,
        request: Request,
        tenancy: TenancyDep,
        enterprise_id: FromQuery[str | None] = None,
    ) -> s.ListsOut:
        user = current_user(request)
        scope = tenancy
        target = _positive(enterprise_id, "企业编号（enterprise_id）") or (
            user.enterprise_id if user else None
        )
        if target is None:
            raise Invalid("请指定企业编号（enterprise_id）。")
        return await latest_lists(target, scope)

    @get(
        "/coverage",
        operation_id="GetListsCoverage",
        summary="重点领域覆盖情况（企业 × 17 个重点领域）",
        opt={"access": Access.EXPORT},
    )
    async def coverage(self, cohort: FromQuery[str | None] = None) -> s.CoverageOut:
        if cohort and cohort not in set(Cohort):
            raise Invalid("cohort 应为 UPG7、T1 或 SUB。")
        return await coverage(cohort)

    @get(
        "/risks",
        operation_id="SearchListRisks",
        summary="检索各企业违规风险清单",
        opt={"access": Access.EXPORT},
    )
    async def risks(
        self,
        q: FromQuery[str] = "",
        domain: FromQuery[str] = "",
        level: FromQuery[str] = "",
        page: FromQuery[str | None] = None,
        page_size: FromQuery[str | None] = None,
    ) -> s.RiskSearchOut:
        """`level`: high | medium | low; `domain`: one of the 17; `q`: words of 风险点/业务事项."""
        if level and level not in set(RiskLevel):
            raise Invalid("level 应为 high（高）、medium（中）或 low（低）。")
        return await search_risks(
            q=q,
            domain=domain,
            level=level,
            page=_positive(page, "页码（page）") or 1,
            page_size=_positive(page_size, "每页条数（page_size）") or 50,
        )
