"""企业管理 for the system administrator: the roster by hand (create, edit, move, deactivate)
and by Excel import. Enterprises are never deleted: they carry submissions and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, URLEncodedBody
from litestar.response import Template

from backend.db.tables import Enterprise
from backend.db.transactions import write_transaction
from backend.domain.enterprises.admin_forms import (
    EnterpriseForm,
    FormError,
    enterprise_or_404,
    form_of,
    repath,
    set_active,
    validated,
)
from backend.domain.enterprises.importer import import_roster
from backend.domain.enterprises.roster import RosterError, roster_template
from backend.domain.shared.enterprises import (
    ENTERPRISE_SORT,
    EnterpriseRow,
    matches_query,
    visible_enterprises,
)
from backend.domain.shared.sorting import parse_sort, sort_rows
from backend.lib import timeutil
from backend.rules.cohorts import Cohort
from backend.security.audit import Actor, AuditAction, record
from backend.security.policy import Access
from backend.web.dependencies import ActorDep
from backend.web.paging import page_of
from backend.web.params import QueryPage

PAGE_SIZE = 50
ADMIN = {"access": Access.ADMIN}
MAX_UPLOAD = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "企业名录导入模板.xlsx"
STATUSES = {"active": "在用", "inactive": "已停用", "all": "全部"}
TOO_LARGE = "文件超过 10 MB，无法导入：请删除多余的工作表、图片或空白行后重新上传。"
NOT_XLSX = (
    "只能导入 Excel 工作簿（.xlsx）。如为 .xls、.et 或 .csv 文件，"
    "请在 Excel 或 WPS 中“另存为” .xlsx 后重新上传。"
)


@dataclass
class ImportForm:
    file: UploadFile | None = None
    dry_run: str = ""


def _too_large(request: Request, exc: Exception) -> Response:
    return Template(
        template_name="admin/partials/import_result.html",
        context={"error": TOO_LARGE, "report": None},
        status_code=413,
    )


class EnterpriseAdminController(Controller):
    path = "/admin/enterprises"
    include_in_schema = False

    @get("/", name="admin:enterprises", opt=ADMIN)
    async def list_page(
        self,
        request: Request,
        q: FromQuery[str] = "",
        status: FromQuery[str] = "active",
        cohort: FromQuery[str] = "",
        page: QueryPage = 1,
    ) -> Template:
        everyone = await visible_enterprises(None, include_inactive=True)
        status = status if status in STATUSES else "active"
        rows = [
            e
            for e in everyone
            if matches_query(e, q)
            and (status == "all" or e.active == (status == "active"))
            and (cohort not in set(Cohort) or e.cohort == cohort)
        ]
        sort = parse_sort(request.query_params.get("sort"), ENTERPRISE_SORT)
        rows = sort_rows(rows, sort, ENTERPRISE_SORT)
        context = {
            **page_of(rows, page, PAGE_SIZE),
            "q": q,
            "status": status,
            "cohort": cohort,
            "sort": sort,
            "params": {"q": q, "cohort": cohort, "status": status, "sort": sort.param},
            "statuses": STATUSES,
            "names": {e.id: e.name for e in everyone},
            "active_menu": "admin_enterprises",
        }
        return Template(template_name="admin/enterprises.html", context=context)

    async def _form(
        self,
        form: EnterpriseForm,
        e: EnterpriseRow | None = None,
        *,
        error: str = "",
        notice: str = "",
        status_code: int = 200,
    ) -> Template:
        everyone = await visible_enterprises(None, include_inactive=True)
        # Active enterprises outside its own subtree, and its current parent even if inactive.
        parents = [
            p
            for p in everyone
            if (p.active or (e is not None and p.id == e.parent_id))
            and (e is None or not p.path.startswith(e.path))
        ]
        context: dict[str, Any] = {"form": form, "e": e, "parents": parents, "error": error}
        if e is not None:
            context["names"] = {x.id: x.name for x in everyone}
            context["children"] = [x for x in everyone if x.parent_id == e.id]
        context |= {"notice": notice, "active_menu": "admin_enterprises"}
        return Template(
            template_name="admin/enterprise_form.html", context=context, status_code=status_code
        )

    @get("/new", name="admin:enterprise_new", opt=ADMIN)
    async def new_page(self) -> Template:
        return await self._form(EnterpriseForm())

    @post("/", opt=ADMIN, status_code=200)
    async def create(
        self, request: Request, actor: ActorDep, data: URLEncodedBody[EnterpriseForm]
    ) -> Template:
        try:
            async with write_transaction():
                values = await validated(data, None)
                parent_path = values.pop("path", "/")
                group_id = values.pop("group_id", None)
                inserted = await Enterprise.insert(Enterprise(**values)).returning(Enterprise.id)
                new_id = inserted[0]["id"]
                await Enterprise.update(
                    {
                        Enterprise.path: f"{parent_path}{new_id}/",
                        Enterprise.group_id: group_id or new_id,
                    }
                ).where(Enterprise.id == new_id)
                await record(
                    AuditAction.ENTERPRISE_CREATE,
                    actor,
                    entity="enterprise",
                    entity_id=new_id,
                    enterprise_id=new_id,
                    changes=values,
                )
        except FormError as exc:
            return await self._form(data, error=str(exc), status_code=422)
        e = await enterprise_or_404(new_id)
        return await self._form(form_of(e), e, notice="企业已创建。")

    @get("/{enterprise_id:int}", name="admin:enterprise", opt=ADMIN)
    async def detail(self, enterprise_id: FromPath[int]) -> Template:
        e = await enterprise_or_404(enterprise_id)
        return await self._form(form_of(e), e)

    @post("/{enterprise_id:int}", opt=ADMIN, status_code=200)
    async def update(
        self,
        request: Request,
        actor: ActorDep,
        enterprise_id: FromPath[int],
        data: URLEncodedBody[EnterpriseForm],
    ) -> Template:
        e = await enterprise_or_404(enterprise_id)
        try:
            async with write_transaction():
                e = await enterprise_or_404(enterprise_id)  # as the transaction sees it
                values = await validated(data, e)
                new_path = f"{values.pop('path', '/')}{e.id}/"
                values.pop("group_id", None)
                values["tier"] = new_path.strip("/").count("/") + 1
                before = {k: e.parent_id if k == "parent" else getattr(e, k) for k in values}
                changes = {
                    k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v
                }
                if changes:
                    columns = {getattr(Enterprise, k): v for k, v in values.items()}
                    await Enterprise.update(
                        {**columns, Enterprise.updated_at: timeutil.now()}
                    ).where(Enterprise.id == e.id)
                    if new_path != e.path:
                        await repath(e.path, new_path)
                    await record(
                        AuditAction.ENTERPRISE_UPDATE,
                        actor,
                        entity="enterprise",
                        entity_id=e.id,
                        enterprise_id=e.id,
                        changes=changes,
                    )
        except FormError as exc:
            return await self._form(data, e, error=str(exc), status_code=422)
        e = await enterprise_or_404(enterprise_id)
        notice = "已保存。" if changes else "没有修改。"
        return await self._form(form_of(e), e, notice=notice)

    async def _set_active(self, actor: Actor, enterprise_id: int, active: bool) -> Template:
        async with write_transaction():
            problem = await set_active(actor, enterprise_id, active)
        e = await enterprise_or_404(enterprise_id)
        if problem:
            return await self._form(form_of(e), e, error=problem, status_code=409)
        notice = (
            "已启用。" if active else "已停用：该企业不再出现在看板和上级企业选项中，历史记录保留。"
        )
        return await self._form(form_of(e), e, notice=notice)

    @post("/{enterprise_id:int}/deactivate", opt=ADMIN, status_code=200)
    async def deactivate(self, actor: ActorDep, enterprise_id: FromPath[int]) -> Template:
        return await self._set_active(actor, enterprise_id, False)

    @post("/{enterprise_id:int}/reactivate", opt=ADMIN, status_code=200)
    async def reactivate(self, actor: ActorDep, enterprise_id: FromPath[int]) -> Template:
        return await self._set_active(actor, enterprise_id, True)

    @get("/import", name="admin:enterprise_import", opt=ADMIN)
    async def import_page(self) -> Template:
        return Template(
            template_name="admin/enterprise_import.html",
            context={"active_menu": "admin_enterprises", "max_mb": MAX_UPLOAD // (1024 * 1024)},
        )

    @get("/import/template", opt=ADMIN)
    async def import_template(self) -> Response[bytes]:
        name = quote(TEMPLATE_NAME)
        disposition = f"attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''{name}"
        return Response(
            roster_template(), media_type=XLSX, headers={"Content-Disposition": disposition}
        )

    @post(
        "/import",
        opt=ADMIN,
        status_code=200,
        request_max_body_size=MAX_UPLOAD + 64 * 1024,
        exception_handlers={413: _too_large},
    )
    async def import_file(
        self,
        request: Request,
        actor: ActorDep,
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        def result(status_code: int, **context: Any) -> Template:
            return Template(
                template_name="admin/partials/import_result.html",
                context={"error": "", "report": None, "dry_run": dry_run, **context},
                status_code=status_code,
            )

        dry_run = bool(data.dry_run)
        if data.file is None or not data.file.filename:
            return result(422, error="请先选择要导入的企业名录文件（.xlsx）。")
        content = await data.file.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            return result(413, error=TOO_LARGE)
        if not content.startswith(b"PK\x03\x04"):
            return result(422, error=NOT_XLSX)
        try:
            if dry_run:
                report = await import_roster(content, dry_run=True)
            else:
                async with write_transaction():
                    report = await import_roster(content)
                    if report.ok:
                        counts = {"created": report.created, "updated": report.updated}
                        await record(
                            AuditAction.ENTERPRISE_IMPORT,
                            actor,
                            entity="enterprise",
                            changes={
                                "file": data.file.filename,
                                **counts,
                                "unchanged": report.unchanged,
                            },
                        )
        except RosterError as exc:
            return result(422, error=f"{exc}。请下载导入模板，按模板的表头整理后重新上传。")
        return result(200 if report.ok else 422, report=report)
