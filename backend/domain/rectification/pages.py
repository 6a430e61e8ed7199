"""整改台账 pages: the ledger with its filters and counts, a finding with its whole history and
its actions (progress with evidence, 申请销号, 销号 / 退回), the raise form, and inspections."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from backend.db.tables import ReferenceItem
from backend.domain.errors import DomainError, Invalid
from backend.domain.rectification.ledger import COLUMNS as LEDGER_COLUMNS
from backend.domain.rectification.ledger import import_ledger
from backend.domain.rectification.params import (
    finding_from_form,
    parse_as_of,
    parse_day,
    parse_filter,
    parse_int,
)
from backend.domain.rectification.reads import (
    finding_detail,
    inspection_detail,
    list_findings,
    list_inspections,
)
from backend.domain.rectification.service import (
    NewInspection,
    create_inspection,
    post_progress,
    raise_finding,
    rate_group,
    verify,
)
from backend.domain.shared.enterprises import visible_enterprises
from backend.domain.shared.uploads import receive_upload
from backend.lib.timeutil import today
from backend.rules.rectification.vocabulary import (
    FindingSource,
    FindingStatus,
    InspectionKind,
    RatingDimension,
    RectificationType,
    Severity,
)
from backend.rules.vocabulary import Rating
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import ActorDep, StoreDep, TenancyDep
from backend.web.paging import page_of
from backend.web.params import QueryPage

VIEW = {"access": Access.BOARD}
RAISE = {"access": Access.RAISE_FINDING}
PAGE_SIZE = 50
FILTER_KEYS = ("year", "enterprise_id", "domain", "severity", "source", "status", "overdue",
               "inspection_id", "sort", "as_of")  # fmt: skip
NOTICES = {
    "raised": "问题已登记。",
    "progress": "整改进展已报送。",
    "asked": "整改进展已报送，并已申请销号，请等待国资委核验。",
    "closed": "已核验销号。",
    "rejected": "已退回，企业将继续整改。",
    "inspection": "检查已登记。",
    "rated": "检查评价已保存。",
}


async def reference_names(kind: str) -> list[str]:
    rows = (
        await ReferenceItem.select(ReferenceItem.name)
        .where(ReferenceItem.kind == kind)
        .order_by(ReferenceItem.seq)
    )
    return list(dict.fromkeys(r["name"] for r in rows))


def vocab() -> dict[str, Any]:
    return {
        "severities": Severity.labels(),
        "sources": FindingSource.labels(),
        "statuses": FindingStatus.labels(),
        "types": RectificationType.labels(),
        "inspection_kinds": InspectionKind.labels(),
        "dimensions": RatingDimension.labels(),
        "ratings": {k: v for k, v in Rating.labels().items() if k},
    }


class RectificationController(Controller):
    path = "/"
    include_in_schema = False

    @get("/findings", name="findings:list", opt=VIEW)
    async def ledger(
        self,
        request: HTMXRequest,
        tenancy: TenancyDep,
        page: QueryPage = 1,
        done: FromQuery[str] = "",
    ) -> Template:
        params = {k: request.query_params.get(k, "") for k in FILTER_KEYS}
        error = ""
        try:
            filters = parse_filter(params)
            day, moment = parse_as_of(params["as_of"])
        except Invalid as exc:
            error = exc.message
            filters = parse_filter({})
            day, moment = parse_as_of(None)
        rows, counts = await list_findings(filters, tenancy, moment)
        enterprises = await visible_enterprises(tenancy)
        context = {
            **page_of(rows, page, PAGE_SIZE),
            "params": params,
            "counts": counts,
            "as_of": day,
            "enterprises": enterprises,
            "domains": await reference_names("focus_domains"),
            "years": list(range(2023, today().year + 2)),
            "error": error,
            "notice": NOTICES.get(done, ""),
            "active_menu": "findings",
            **vocab(),
        }
        partial = bool(request.htmx) and request.htmx.target == "ledger"
        name = "rectification/_ledger.html" if partial else "rectification/ledger.html"
        return Template(template_name=name, context=context)

    async def _form(
        self, tenancy: int | None, fields: dict[str, str], error: str = "", status: int = 200
    ) -> Template:
        user_inspections = await list_inspections(tenancy)
        context = {
            "form": fields,
            "error": error,
            "enterprises": await visible_enterprises(tenancy),
            "inspections": user_inspections,
            "domains": await reference_names("focus_domains"),
            "key_links": await reference_names("key_links"),
            "is_enterprise": tenancy is not None,
            "active_menu": "findings",
            **vocab(),
        }
        return Template(template_name="rectification/new.html", context=context, status_code=status)

    @get("/findings/new", name="findings:new", opt=RAISE)
    async def new(self, tenancy: TenancyDep, inspection_id: FromQuery[str] = "") -> Template:
        return await self._form(tenancy, {"inspection_id": inspection_id})

    @post("/findings/new", opt=RAISE, status_code=200)
    async def create(
        self, request: Request, actor: ActorDep, tenancy: TenancyDep
    ) -> Template | Redirect:
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if k != "_csrf_token"}
        try:
            finding_id = await raise_finding(finding_from_form(fields), actor=actor, scope=tenancy)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._form(tenancy, fields, exc.message, 422)
        return Redirect(path=f"/findings/{finding_id}?done=raised", status_code=303)

    async def _detail(
        self,
        request: Request,
        tenancy: int | None,
        finding_id: int,
        as_of: str = "",
        notice: str = "",
        error: str = "",
    ) -> dict[str, Any]:
        day, moment = parse_as_of(as_of or None)
        row = await finding_detail(finding_id, tenancy, moment)
        user = current_user(request)
        return {
            "f": row,
            "as_of": day,
            "replay": bool(as_of),
            "notice": notice,
            "error": error,
            "is_raiser": user is not None and user.id == row["raised_by"],
            "active_menu": "findings",
        }

    @get("/findings/{finding_id:int}", name="findings:detail", opt=VIEW)
    async def detail(
        self,
        request: Request,
        tenancy: TenancyDep,
        finding_id: FromPath[int],
        as_of: FromQuery[str] = "",
        done: FromQuery[str] = "",
    ) -> Template:
        context = await self._detail(request, tenancy, finding_id, as_of, NOTICES.get(done, ""))
        return Template(template_name="rectification/detail.html", context=context)

    @post(
        "/findings/{finding_id:int}/progress",
        opt={"access": Access.SUBMIT},
        status_code=200,
        request_max_body_size=4 * 1024 * 1024 * 1024,
    )
    async def progress(
        self,
        request: HTMXRequest,
        actor: ActorDep,
        tenancy: TenancyDep,
        store: StoreDep,
        finding_id: FromPath[int],
    ) -> Template | ClientRedirect:
        """Sent by htmx as multipart (it carries the CSRF header); errors come back in place."""
        try:
            upload = await receive_upload(
                request, store, get_settings().max_upload_mb * 1024 * 1024
            )
            try:
                ask = upload.fields.get("ask_close", "") in {"1", "on"}
                await post_progress(
                    finding_id,
                    upload.fields.get("note", ""),
                    upload.files,
                    ask_close=ask,
                    actor=actor,
                    scope=tenancy,
                    store=store,
                )
            finally:
                upload.discard()
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return Template(
                template_name="errors/_message.html",
                context={"status": exc.status_code, "message": exc.message},
            )
        return ClientRedirect(
            redirect_to=f"/findings/{finding_id}?done={'asked' if ask else 'progress'}"
        )

    async def _verify(
        self, request: Request, actor: Any, tenancy: int | None, finding_id: int, close: bool
    ) -> Template | Redirect:
        form = await request.form()
        reason = str(form.get("reason", ""))
        try:
            await verify(finding_id, close, reason, actor=actor, scope=tenancy)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            context = await self._detail(request, tenancy, finding_id, error=exc.message)
            return Template(
                template_name="rectification/detail.html",
                context=context,
                status_code=exc.status_code,
            )
        return Redirect(
            path=f"/findings/{finding_id}?done={'closed' if close else 'rejected'}", status_code=303
        )

    @post("/findings/{finding_id:int}/close", opt={"access": Access.REVIEW}, status_code=200)
    async def close(
        self, request: Request, actor: ActorDep, tenancy: TenancyDep, finding_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._verify(request, actor, tenancy, finding_id, True)

    @post("/findings/{finding_id:int}/reject", opt={"access": Access.REVIEW}, status_code=200)
    async def reject(
        self, request: Request, actor: ActorDep, tenancy: TenancyDep, finding_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._verify(request, actor, tenancy, finding_id, False)

    @get("/findings/import", name="findings:import", opt=RAISE)
    async def import_form(self) -> Template:
        context = {"columns": LEDGER_COLUMNS, "active_menu": "findings"}
        return Template(template_name="rectification/import.html", context=context)

    @post("/findings/import", opt=RAISE, status_code=200, request_max_body_size=64 * 1024 * 1024)
    async def import_ledger(
        self, request: HTMXRequest, actor: ActorDep, tenancy: TenancyDep, store: StoreDep
    ) -> Template:
        """Sent by htmx as multipart: the workbook, and check_only=1 to store nothing."""
        errors: list[str] = []
        stored = 0
        try:
            upload = await receive_upload(request, store, 32 * 1024 * 1024)
            try:
                if not upload.files:
                    raise Invalid("请选择要导入的整改台账工作簿。")
                data = upload.files[0].temp_path.read_bytes()
                check_only = upload.fields.get("check_only", "") in {"1", "on"}
                stored, problems = await import_ledger(
                    data, actor=actor, scope=tenancy, dry_run=check_only
                )
                errors = [str(p) for p in problems]
            finally:
                upload.discard()
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            errors = [exc.message]
            check_only = False
        context = {"errors": errors, "stored": stored, "check_only": check_only}
        return Template(template_name="rectification/_import_result.html", context=context)

    @get("/inspections", name="inspections:list", opt=VIEW)
    async def inspections(
        self, tenancy: TenancyDep, year: FromQuery[str] = "", done: FromQuery[str] = ""
    ) -> Template:
        error = ""
        try:
            chosen = parse_int(year, "年度", 2000)
        except Invalid as exc:
            chosen, error = None, exc.message
        rows = await list_inspections(tenancy, chosen)
        context = {
            "rows": rows,
            "year": year,
            "years": list(range(2023, today().year + 2)),
            "error": error,
            "notice": NOTICES.get(done, ""),
            "active_menu": "inspections",
        }
        return Template(template_name="rectification/inspections.html", context=context)

    async def _inspection_form(
        self, tenancy: int | None, fields: dict[str, str], error: str = "", status: int = 200
    ) -> Template:
        kinds = {k.value: k.label for k in InspectionKind if (k.by_sasac == (tenancy is None))}
        context = {
            "form": fields,
            "error": error,
            "kinds": kinds,
            "enterprises": await visible_enterprises(tenancy),
            "active_menu": "inspections",
        }
        return Template(
            template_name="rectification/inspection_new.html", context=context, status_code=status
        )

    @get("/inspections/new", name="inspections:new", opt=RAISE)
    async def new_inspection(self, tenancy: TenancyDep) -> Template:
        return await self._inspection_form(tenancy, {})

    @post(
        "/inspections/new", opt=RAISE, status_code=200, request_max_body_size=4 * 1024 * 1024 * 1024
    )
    async def create_inspection(
        self, request: HTMXRequest, actor: ActorDep, tenancy: TenancyDep, store: StoreDep
    ) -> Template | ClientRedirect:
        """Sent by htmx as multipart, with the report files."""
        try:
            upload = await receive_upload(
                request, store, get_settings().max_upload_mb * 1024 * 1024
            )
            try:
                fields = upload.fields
                started = parse_day(fields.get("started_on"), "开始日期")
                ended = parse_day(fields.get("ended_on"), "结束日期") or started
                if started is None or ended is None:
                    raise Invalid("请填写检查开始日期。")
                ids = tuple(
                    i
                    for i in (parse_int(k[6:], "企业") for k in fields if k.startswith("scope_"))
                    if i
                )
                new = NewInspection(
                    kind=fields.get("kind", ""),
                    name=fields.get("name", ""),
                    started_on=started,
                    ended_on=ended,
                    team=fields.get("team", ""),
                    enterprise_ids=ids,
                )
                inspection_id = await create_inspection(
                    new, upload.files, actor=actor, scope=tenancy, store=store
                )
            finally:
                upload.discard()
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return Template(
                template_name="errors/_message.html",
                context={"status": exc.status_code, "message": exc.message},
            )
        return ClientRedirect(redirect_to=f"/inspections/{inspection_id}?done=inspection")

    @get("/inspections/{inspection_id:int}", name="inspections:detail", opt=VIEW)
    async def inspection(
        self,
        request: Request,
        tenancy: TenancyDep,
        inspection_id: FromPath[int],
        done: FromQuery[str] = "",
    ) -> Template:
        row = await inspection_detail(inspection_id, tenancy)
        _, moment = parse_as_of(None)
        findings, counts = await list_findings(
            parse_filter({"inspection_id": str(inspection_id)}), tenancy, moment
        )
        groups = [
            m for m in row["enterprises"] if not m["group_id"] or m["group_id"] == m["enterprise"]
        ]
        context = {
            "i": row,
            "findings": findings,
            "counts": counts,
            "groups": groups,
            "by_sasac": InspectionKind(row["kind"]).by_sasac,
            "notice": NOTICES.get(done, ""),
            "active_menu": "inspections",
            **vocab(),
        }
        return Template(template_name="rectification/inspection.html", context=context)

    @post(
        "/inspections/{inspection_id:int}/ratings", opt={"access": Access.REVIEW}, status_code=200
    )
    async def rate(
        self, request: Request, actor: ActorDep, inspection_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        group = parse_int(str(form.get("enterprise_id", "")), "被评价企业")
        if group is None:
            raise Invalid("请选择被评价的集团。")
        ratings = {d.value: str(form.get(d.value, "")) for d in RatingDimension}
        await rate_group(inspection_id, group, ratings, actor=actor)
        return Redirect(path=f"/inspections/{inspection_id}?done=rated", status_code=303)
