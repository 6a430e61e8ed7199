"""The 整改台账 API: inspections and findings, progress with evidence, SASAC's 销号 and 退回.
Scoped like every other endpoint: another group's finding answers 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException
from litestar.openapi.spec import OpenAPIType
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File

from backend.domain.errors import DomainError, Invalid, NotFound
from backend.domain.rectification.params import (
    finding_from_form,
    parse_as_of,
    parse_day,
    parse_filter,
    parse_int,
)
from backend.domain.rectification.reads import (
    evidence_file,
    finding_detail,
    list_findings,
    list_inspections,
)
from backend.domain.rectification.schemas import (
    CreatedOut,
    FindingDetailOut,
    FindingEventOut,
    FindingOut,
    FindingPageOut,
    InspectionOut,
    InspectionPageOut,
    ProgressOut,
)
from backend.domain.rectification.service import (
    NewInspection,
    create_inspection,
    post_progress,
    raise_finding,
    verify,
)
from backend.domain.shared.paging import page_slice
from backend.domain.shared.uploads import receive_upload
from backend.security.audit import AuditAction, record
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import ActorDep, StoreDep, TenancyDep
from backend.web.openapi import field as form_field
from backend.web.openapi import file_field, form, multipart_operation

BODY_LIMIT = 4 * 1024 * 1024 * 1024


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def finding_out(row: dict[str, Any]) -> FindingOut:
    return FindingOut(
        id=row["id"],
        source=row["source"],
        source_label=row["source_label"],
        inspection_id=row["inspection"],
        inspection_name=row["inspection_name"],
        enterprise_id=row["enterprise"],
        enterprise_name=row["enterprise_name"],
        group_id=row["group_id"],
        domain=row["domain"],
        key_link=row["key_link"],
        description=row["description"],
        severity=row["severity"],
        severity_label=row["severity_label"],
        cause=row["cause"],
        measures=row["measures"],
        rectification_type=row["rectification_type"],
        type_label=row["type_label"],
        owner_unit=row["owner_unit"],
        owner_name=row["owner_name"],
        deadline=row["deadline"].isoformat(),
        status=row["status"],
        status_label=row["status_label"],
        overdue=row["overdue"],
        raised_at=row["raised_at"].isoformat(),
        closed_at=_iso(row["closed_at"]),
        checker_name=row["checker_name"] or "",
        rules_made=row["rules_made"],
        accountability=row["accountability"],
        remark=row["remark"],
    )


def detail_out(row: dict[str, Any]) -> FindingDetailOut:
    base = msgspec.structs.asdict(finding_out(row))
    history = [
        FindingEventOut(
            id=e["id"],
            kind=e["kind"],
            kind_label=e["kind_label"],
            at=e["happened_at"].isoformat(),
            by=e["actor_name"] or "",
            note=e["note"],
            files=[f["original_name"] for f in e["files"]],
        )
        for e in row["history"]
        if not e["future"]
    ]
    return FindingDetailOut(**base, history=history)


@dataclass
class InspectionBody:
    """A 检查: kind sasac_supervision | sasac_special (SASAC) or self_inspection | self_special
    (an enterprise's own), name, started_on / ended_on YYYY-MM-DD, team, enterprise_ids (scope),
    ratings {"<group id>": {"organisation"|"rules"|"mechanism"|"effectiveness": rating}}."""

    kind: str = ""
    name: str = ""
    started_on: str = ""
    ended_on: str = ""
    team: str = ""
    enterprise_ids: list[int] = field(default_factory=list)
    ratings: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class FindingBody:
    """A finding (§5.2 columns). severity general | serious | major; rectification_type
    immediate | deadline | long_term; deadline YYYY-MM-DD; source (optional, from the
    inspection) sasac_supervision | special | self | audit | discipline | patrol."""

    enterprise_id: int | None = None
    description: str = ""
    severity: str = ""
    rectification_type: str = ""
    deadline: str = ""
    owner_name: str = ""
    owner_unit: str = ""
    source: str = ""
    inspection_id: int | None = None
    domain: str = ""
    key_link: str = ""
    cause: str = ""
    measures: str = ""
    rules_made: str = ""
    accountability: str = ""
    remark: str = ""


@dataclass
class VerifyBody:
    """销号 (note optional) or 退回 (reason required)."""

    reason: str = ""


def _fields(body: Any) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in body.__dict__.items()}


PROGRESS_FORM = form(
    {
        "note": form_field(OpenAPIType.STRING, "整改进展说明"),
        "ask_close": form_field(OpenAPIType.STRING, "1 表示同时申请销号", enum=["1"]),
        "files": file_field("佐证材料（一个或多个）", many=True),
    },
    required=[],
)


class RectificationApiController(Controller):
    path = "/api/v1"
    tags = ["rectification"]

    @get(
        "/inspections",
        operation_id="ListInspections",
        summary="检查列表",
        opt={"access": Access.BOARD},
    )
    async def inspections(
        self, tenancy: TenancyDep, year: FromQuery[str | None] = None
    ) -> InspectionPageOut:
        rows = await list_inspections(tenancy, parse_int(year, "年度", 2000))
        items = [
            InspectionOut(
                id=r["id"],
                kind=r["kind"],
                kind_label=r["kind_label"],
                name=r["name"],
                year=r["inspection_year"],
                started_on=r["started_on"].isoformat(),
                ended_on=r["ended_on"].isoformat(),
                team=r["team"],
                enterprise_ids=[m["enterprise"] for m in r["enterprises"]],
                finding_count=r["finding_count"],
            )
            for r in rows
        ]
        return InspectionPageOut(items=items, total=len(items))

    @post(
        "/inspections",
        operation_id="CreateInspection",
        summary="登记检查",
        opt={"access": Access.RAISE_FINDING},
        status_code=201,
    )
    async def create_inspection(
        self,
        request: Request,
        actor: ActorDep,
        tenancy: TenancyDep,
        store: StoreDep,
        data: JSONBody[InspectionBody],
    ) -> CreatedOut:
        started = parse_day(data.started_on, "开始日期")
        ended = parse_day(data.ended_on, "结束日期") or started
        if started is None or ended is None:
            raise Invalid("请填写检查开始日期。")
        ratings = {}
        for key, dims in data.ratings.items():
            group = parse_int(key, "被评价企业编号")
            assert group is not None
            ratings[group] = dict(dims)
        new = NewInspection(
            kind=data.kind,
            name=data.name,
            started_on=started,
            ended_on=ended,
            team=data.team,
            enterprise_ids=tuple(data.enterprise_ids),
            ratings=ratings,
        )
        created = await create_inspection(new, [], actor=actor, scope=tenancy, store=store)
        return CreatedOut(id=created)

    @get(
        "/findings",
        operation_id="ListFindings",
        summary="整改台账（截至某日）",
        opt={"access": Access.BOARD},
    )
    async def findings(
        self,
        tenancy: TenancyDep,
        as_of: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
        enterprise_id: FromQuery[str | None] = None,
        domain: FromQuery[str | None] = None,
        severity: FromQuery[str | None] = None,
        source: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        overdue: FromQuery[str | None] = None,
        inspection_id: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
        page_size: FromQuery[str | None] = None,
    ) -> FindingPageOut:
        """Filters as on the 台账 page: year (of the 整改时限), enterprise_id (with its
        subsidiaries), domain, severity, source, status, overdue=1, inspection_id; sort deadline |
        severity | status | enterprise | raised, "-" for descending; as_of YYYY-MM-DD."""
        filters = parse_filter(
            {
                "year": year,
                "enterprise_id": enterprise_id,
                "domain": domain,
                "severity": severity,
                "source": source,
                "status": status,
                "overdue": overdue,
                "inspection_id": inspection_id,
                "sort": sort,
            }
        )
        _, moment = parse_as_of(as_of)
        rows, counts = await list_findings(filters, tenancy, moment)
        number = parse_int(page, "页码") or 1
        size = parse_int(page_size, "每页数量") or 100
        items = [finding_out(r) for r in page_slice(rows, number, size)]
        return FindingPageOut(items=items, total=len(rows), counts=dict(counts))

    @post(
        "/findings",
        operation_id="RaiseFinding",
        summary="登记整改问题",
        opt={"access": Access.RAISE_FINDING},
        status_code=201,
    )
    async def raise_finding(
        self, actor: ActorDep, tenancy: TenancyDep, data: JSONBody[FindingBody]
    ) -> FindingDetailOut:
        finding_id = await raise_finding(
            finding_from_form(_fields(data)), actor=actor, scope=tenancy
        )
        _, moment = parse_as_of(None)
        return detail_out(await finding_detail(finding_id, tenancy, moment))

    @get(
        "/findings/{finding_id:int}",
        operation_id="GetFinding",
        summary="整改问题详情及全部进展",
        opt={"access": Access.BOARD},
    )
    async def finding(
        self, tenancy: TenancyDep, finding_id: FromPath[int], as_of: FromQuery[str | None] = None
    ) -> FindingDetailOut:
        _, moment = parse_as_of(as_of)
        return detail_out(await finding_detail(finding_id, tenancy, moment))

    @post(
        "/findings/{finding_id:int}/progress",
        operation_id="PostFindingProgress",
        summary="报送整改进展（可附佐证材料，可同时申请销号）",
        opt={"access": Access.SUBMIT},
        request_max_body_size=BODY_LIMIT,
        status_code=201,
        operation_class=multipart_operation(PROGRESS_FORM),
    )
    async def progress(
        self,
        request: Request,
        actor: ActorDep,
        tenancy: TenancyDep,
        store: StoreDep,
        finding_id: FromPath[int],
    ) -> ProgressOut:
        """multipart/form-data: note, ask_close=1 (申请销号, needs evidence), and `files`."""
        settings = get_settings()
        try:
            upload = await receive_upload(request, store, settings.max_upload_mb * 1024 * 1024)
        except (DomainError, HTTPException) as exc:
            reason = exc.message if isinstance(exc, DomainError) else exc.detail
            await record(
                AuditAction.UPLOAD_REFUSED,
                actor,
                entity="finding",
                entity_id=finding_id,
                changes={"status": exc.status_code, "reason": reason},
            )
            raise
        try:
            event_id = await post_progress(
                finding_id,
                upload.fields.get("note", ""),
                upload.files,
                ask_close=upload.fields.get("ask_close", "") in {"1", "true", "on"},
                actor=actor,
                scope=tenancy,
                store=store,
            )
        finally:
            upload.discard()
        _, moment = parse_as_of(None)
        row = await finding_detail(finding_id, tenancy, moment)
        return ProgressOut(
            finding_id=finding_id,
            event_id=event_id,
            status=row["status"],
            status_label=row["status_label"],
        )

    @post(
        "/findings/{finding_id:int}/close",
        operation_id="CloseFinding",
        summary="核验销号",
        opt={"access": Access.REVIEW},
        status_code=200,
    )
    async def close(
        self,
        actor: ActorDep,
        tenancy: TenancyDep,
        finding_id: FromPath[int],
        data: JSONBody[VerifyBody],
    ) -> FindingDetailOut:
        # The body is required (send {} for no note) so the schema names its one field.
        await verify(finding_id, True, data.reason, actor=actor, scope=tenancy)
        _, moment = parse_as_of(None)
        return detail_out(await finding_detail(finding_id, tenancy, moment))

    @post(
        "/findings/{finding_id:int}/reject",
        operation_id="RejectFinding",
        summary="退回整改（须说明理由）",
        opt={"access": Access.REVIEW},
        status_code=200,
    )
    async def reject(
        self,
        actor: ActorDep,
        tenancy: TenancyDep,
        finding_id: FromPath[int],
        data: JSONBody[VerifyBody],
    ) -> FindingDetailOut:
        await verify(finding_id, False, data.reason, actor=actor, scope=tenancy)
        _, moment = parse_as_of(None)
        return detail_out(await finding_detail(finding_id, tenancy, moment))

    @get(
        "/findings/{finding_id:int}/files/{file_id:int}",
        operation_id="DownloadFindingFile",
        summary="下载整改佐证材料",
        opt={"access": Access.BOARD},
    )
    async def download(
        self,
        actor: ActorDep,
        store: StoreDep,
        tenancy: TenancyDep,
        finding_id: FromPath[int],
        file_id: FromPath[int],
    ) -> File:
        row = await evidence_file(finding_id, file_id, tenancy)
        if row is None or not store.exists(row["sha256"]):
            raise NotFound("未找到该文件。")
        await record(
            AuditAction.FILE_DOWNLOAD,
            actor,
            entity="finding_file",
            entity_id=file_id,
            enterprise_id=row["enterprise"],
            changes={"name": row["original_name"], "finding": finding_id},
        )
        return File(
            path=store.path_for(row["sha256"]),
            filename=row["original_name"],
            media_type=row["media_type"],
            content_disposition_type="attachment",
        )
