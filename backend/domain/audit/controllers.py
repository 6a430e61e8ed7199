"""操作日志 for the auditor alone: a filtered, paged list with the hash-chain check on top, and
the same selection as an xlsx workbook (itself recorded as an ``audit_export`` event)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Response, Template

from backend.domain.audit.service import audit_page, build_workbook, decorate, export_rows
from backend.domain.errors import Invalid
from backend.domain.shared.sorting import parse_sort
from backend.lib.ids import id_in_range
from backend.lib.timeutil import now, parse_date
from backend.security.audit import ACTION_LABELS, SORTABLE, AuditAction, record, verify_chain
from backend.security.dependencies import actor_for
from backend.security.policy import Access
from backend.web.dependencies import ActorDep
from backend.web.downloads import attachment
from backend.web.params import QueryPage

PAGE_SIZE = 50
AUDIT = {"access": Access.AUDIT}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Filters:
    """The filters as typed, kept as text so that the form can show them back."""

    action: str = ""
    actor: str = ""
    enterprise_id: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def of(cls, request: Request) -> Filters:
        query = request.query_params
        return cls(**{name: str(query.get(name) or "").strip()[:60] for name in asdict(cls())})

    def params(self) -> dict[str, str]:
        return asdict(self)

    def active(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for ``search``; ValueError (in Chinese) for unusable input."""
        if self.action and self.action not in ACTION_LABELS:
            raise ValueError("操作类型无效，请从列表中选择。")
        if self.enterprise_id and not (
            self.enterprise_id.isdecimal() and id_in_range(int(self.enterprise_id))
        ):
            raise ValueError(f"企业编号“{self.enterprise_id}”应为数字，请检查后重试。")
        since, until = parse_date(self.since), parse_date(self.until)
        if since and until and since > until:
            raise ValueError("开始日期晚于结束日期，请调整起止日期后重试。")
        return {
            "action": self.action or None,
            "actor": self.actor or None,
            "enterprise_id": int(self.enterprise_id) if self.enterprise_id else None,
            "since": since,
            "until": until,
        }


_attachment = attachment  # one definition, shared with the export download


class AuditController(Controller):
    path = "/audit"
    include_in_schema = False

    @get("/", name="audit:list", opt=AUDIT)
    async def list_page(self, request: HTMXRequest, page: QueryPage = 1) -> Template:
        filters = Filters.of(request)
        sort = parse_sort(request.query_params.get("sort"), SORTABLE, "-time")
        context: dict[str, Any] = {
            "filters": filters,
            "sort": sort,
            "params": {**filters.params(), "sort": sort.param},
            "filtered": bool(filters.active()),
            "actions": ACTION_LABELS,
            "rows": [],
            "offset": 0,
            "total": 0,
            "page": 1,
            "pages": 1,
            "error": "",
        }
        status = 200
        try:
            criteria = filters.criteria()
        except ValueError as exc:
            context["error"], status = str(exc), 400
        else:
            order = {"order": sort.key, "descending": sort.descending}
            context.update(await audit_page({**criteria, **order}, page, PAGE_SIZE))
        if request.htmx.target == "audit-rows":
            return Template(
                template_name="audit/partials/rows.html", context=context, status_code=status
            )
        context["chain"] = await verify_chain()
        # A full page load is a view (with its filters, a search) of the log, recorded after
        # the rows were read. htmx refreshes within the page (paging, re-filtering) are part of
        # that view and not recorded one by one, or every click would add a row.
        await record(
            AuditAction.AUDIT_VIEW,
            actor_for(request),
            entity="audit_event",
            changes={"filters": filters.active(), "page": context["page"]},
        )
        return Template(template_name="audit/list.html", context=context, status_code=status)

    @get("/export.xlsx", name="audit:export", opt=AUDIT)
    async def export(self, request: Request, actor: ActorDep) -> Response[bytes]:
        filters = Filters.of(request)
        try:
            criteria = filters.criteria()
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        rows, total = await export_rows(criteria)
        await decorate(rows)
        moment = now()
        content = await anyio.to_thread.run_sync(build_workbook, rows, total, moment)
        await record(
            AuditAction.AUDIT_EXPORT,
            actor,
            entity="audit_event",
            changes={"filters": filters.active(), "rows": len(rows), "total": total},
        )
        day = f"{moment:%Y%m%d}"
        # Cache-Control: no-store is added to every non-static response by
        # backend.web.middleware; setting it here as well would send the header twice.
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": _attachment(f"操作日志-{day}.xlsx", f"audit-log-{day}.xlsx")
            },
        )
