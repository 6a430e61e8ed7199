"""Writing the 整改台账: record an inspection, raise a finding, post progress (with evidence),
ask for 销号, and SASAC's 销号 or 退回. Every change is audited in the same transaction.

Who may do what beyond the route's access rule (policy.py):
- an enterprise acts only inside its own group (another group's finding is 404), records only its
  own 自查, and can never close a finding;
- the person who closes a finding is never the person who raised it (§5.2: 核验人 ≠ 提出人)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backend.db.tables import (
    Finding,
    FindingEvent,
    FindingFile,
    Inspection,
    InspectionFile,
    InspectionRating,
    InspectionScope,
)
from backend.db.transactions import write_transaction
from backend.domain.errors import Conflict, Forbidden, Invalid, NotFound
from backend.domain.shared.enterprises import get_enterprise
from backend.domain.shared.uploads import IncomingFile
from backend.lib.timeutil import now
from backend.rules.rectification.status import (
    EventFact,
    FindingFacts,
    FindingState,
    finding_state,
)
from backend.rules.rectification.vocabulary import (
    FindingEventKind,
    FindingSource,
    InspectionKind,
    RatingDimension,
    RectificationType,
    Severity,
)
from backend.rules.vocabulary import Rating
from backend.security.audit import Actor, AuditAction, record
from backend.storage import FileStore

Kind = FindingEventKind


@dataclass(frozen=True)
class NewInspection:
    kind: str
    name: str
    started_on: dt.date
    ended_on: dt.date
    team: str = ""
    enterprise_ids: tuple[int, ...] = ()  # scope: groups and subsidiaries
    # group id → dimension → rating (SASAC inspections only)
    ratings: dict[int, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class NewFinding:
    enterprise_id: int
    description: str
    severity: str
    rectification_type: str
    deadline: dt.date
    source: str = ""
    inspection_id: int | None = None
    domain: str = ""
    key_link: str = ""
    cause: str = ""
    measures: str = ""
    owner_unit: str = ""
    owner_name: str = ""
    rules_made: str = ""
    accountability: str = ""
    remark: str = ""


def _clean(text: str, limit: int) -> str:
    return text.strip()[:limit]


def check_finding(new: NewFinding) -> list[str]:
    """Every rule a finding breaks, in Chinese (shared by the form, the API and the import)."""
    errors = []
    if not new.description.strip():
        errors.append("请填写问题描述。")
    if new.severity not in Severity.labels():
        errors.append("问题等级应为：一般、较重、重大。")
    if new.rectification_type not in RectificationType.labels():
        errors.append("整改类型应为：立行立改、限期整改、长期坚持。")
    if new.source and new.source not in FindingSource.labels():
        errors.append("问题来源不在可选范围内。")
    if not new.owner_name.strip():
        errors.append("请填写一名责任人。")
    return errors


async def create_inspection(
    new: NewInspection,
    files: list[IncomingFile],
    *,
    actor: Actor,
    scope: int | None,
    store: FileStore,
) -> int:
    if new.kind not in InspectionKind.labels():
        raise Invalid("检查类型不在可选范围内。")
    kind = InspectionKind(new.kind)
    if scope is not None and kind.by_sasac:
        raise Forbidden("企业只能登记本企业的自查或专项检查。")
    if not new.name.strip():
        raise Invalid("请填写检查名称。")
    if new.ended_on < new.started_on:
        raise Invalid("检查结束日期不能早于开始日期。")
    if not new.enterprise_ids:
        raise Invalid("请选择检查范围内的企业。")
    for enterprise_id in new.enterprise_ids:
        if await get_enterprise(enterprise_id, scope) is None:
            raise NotFound("未找到检查范围内的某家企业。")
    for dims in new.ratings.values():
        for dimension, rating in dims.items():
            if dimension not in RatingDimension.labels() or rating not in Rating.labels():
                raise Invalid("检查评价应为：优、良、合格、不合格。")
    if new.ratings and not kind.by_sasac:
        raise Invalid("有效性评价只能由国资委督促检查给出。")
    for f in files:
        store.adopt(f.temp_path, f.sha256)
    async with write_transaction():
        inserted = await Inspection.insert(
            Inspection(
                kind=kind.value,
                name=_clean(new.name, 200),
                inspection_year=new.started_on.year,
                started_on=new.started_on,
                ended_on=new.ended_on,
                team=_clean(new.team, 2000),
                owner=scope,
                created_by=actor.id,
            )
        ).returning(Inspection.id)
        inspection_id = int(inserted[0]["id"])
        for enterprise_id in dict.fromkeys(new.enterprise_ids):
            await InspectionScope.insert(
                InspectionScope(
                    inspection=inspection_id,
                    enterprise=enterprise_id,
                    natural_key=f"{inspection_id}:{enterprise_id}",
                )
            )
        for group_id, dims in new.ratings.items():
            for dimension, rating in dims.items():
                if not rating:
                    continue
                await InspectionRating.insert(
                    InspectionRating(
                        inspection=inspection_id,
                        enterprise=group_id,
                        dimension=dimension,
                        rating=rating,
                        natural_key=f"{inspection_id}:{group_id}:{dimension}",
                    )
                )
        for f in files:
            assert f.detected is not None
            await InspectionFile.insert(
                InspectionFile(
                    inspection=inspection_id,
                    sha256=f.sha256,
                    original_name=f.original_name,
                    size_bytes=f.size,
                    media_type=f.detected.media_type,
                    detected_kind=f.detected.kind,
                )
            )
        await record(
            AuditAction.INSPECTION_CREATE,
            actor,
            entity="inspection",
            entity_id=inspection_id,
            enterprise_id=scope,
            changes={
                "kind": kind.label,
                "name": new.name,
                "enterprises": list(new.enterprise_ids),
                "ratings": {str(k): v for k, v in new.ratings.items()},
                "files": [f.original_name for f in files],
            },
        )
    return inspection_id


async def _inspection_for(inspection_id: int, scope: int | None) -> dict[str, Any]:
    row = await Inspection.select().where(Inspection.id == inspection_id).first()
    if row is None:
        raise NotFound("未找到该检查。")
    if scope is not None and row["owner"] != scope:
        in_scope = await InspectionScope.exists().where(
            InspectionScope.inspection == inspection_id,
            InspectionScope.enterprise.group_id == scope,
        )
        if not in_scope:
            raise NotFound("未找到该检查。")
    return row


def source_for(kind: str) -> str:
    return {
        InspectionKind.SASAC_SUPERVISION: FindingSource.SASAC_SUPERVISION,
        InspectionKind.SASAC_SPECIAL: FindingSource.SPECIAL,
    }.get(InspectionKind(kind), FindingSource.SELF).value


async def prepare_finding(new: NewFinding, scope: int | None) -> dict[str, Any]:
    """The finding's row, checked; raises a domain error for the first problem."""
    errors = check_finding(new)
    if errors:
        raise Invalid(errors[0])
    enterprise = await get_enterprise(new.enterprise_id, scope)
    if enterprise is None:
        raise NotFound("未找到该企业。")
    source = new.source
    if new.inspection_id is not None:
        inspection = await _inspection_for(new.inspection_id, scope)
        source = source or source_for(inspection["kind"])
    if scope is not None and source not in ("", FindingSource.SELF):
        raise Forbidden("企业只能登记自查发现的问题。")
    return {
        "inspection": new.inspection_id,
        "source": source or (FindingSource.SELF if scope is not None else FindingSource.SPECIAL),
        "enterprise": enterprise.id,
        "group_id": enterprise.group_id,
        "domain": _clean(new.domain, 40),
        "key_link": _clean(new.key_link, 40),
        "description": _clean(new.description, 4000),
        "severity": new.severity,
        "cause": _clean(new.cause, 4000),
        "measures": _clean(new.measures, 4000),
        "rectification_type": new.rectification_type,
        "owner_unit": _clean(new.owner_unit, 100),
        "owner_name": _clean(new.owner_name, 50),
        "deadline": new.deadline,
        "rules_made": _clean(new.rules_made, 2000),
        "accountability": _clean(new.accountability, 2000),
        "remark": _clean(new.remark, 2000),
    }


async def insert_finding(row: dict[str, Any], actor: Actor, at: dt.datetime) -> int:
    """Within the caller's transaction: the finding, its 提出 entry, and the audit event."""
    inserted = await Finding.insert(Finding(**row, raised_by=actor.id, raised_at=at)).returning(
        Finding.id
    )
    finding_id = int(inserted[0]["id"])
    await FindingEvent.insert(
        FindingEvent(finding=finding_id, kind=Kind.RAISED, happened_at=at, actor=actor.id)
    )
    await record(
        AuditAction.FINDING_RAISE,
        actor,
        entity="finding",
        entity_id=finding_id,
        enterprise_id=row["enterprise"],
        changes={
            "description": row["description"][:200],
            "severity": Severity.label_of(row["severity"]),
            "deadline": row["deadline"].isoformat(),
        },
    )
    return finding_id


async def raise_finding(new: NewFinding, *, actor: Actor, scope: int | None) -> int:
    row = await prepare_finding(new, scope)
    async with write_transaction():
        return await insert_finding(row, actor, now())


async def finding_row(finding_id: int, scope: int | None) -> dict[str, Any]:
    """The finding, or NotFound when it does not exist or lies outside the actor's group."""
    row = await Finding.select().where(Finding.id == finding_id).first()
    if row is None or (scope is not None and row["group_id"] != scope):
        raise NotFound("未找到该整改问题。")
    return row


async def current_state(row: dict[str, Any], at: dt.datetime) -> FindingState:
    events = await FindingEvent.select(FindingEvent.kind, FindingEvent.happened_at).where(
        FindingEvent.finding == row["id"]
    )
    facts = FindingFacts(
        row["raised_at"],
        row["deadline"],
        row["rectification_type"],
        tuple(EventFact(e["kind"], e["happened_at"]) for e in events),
    )
    state = finding_state(facts, at)
    assert state is not None
    return state


async def post_progress(
    finding_id: int,
    note: str,
    files: list[IncomingFile],
    *,
    ask_close: bool,
    actor: Actor,
    scope: int | None,
    store: FileStore,
) -> int:
    """The enterprise's dated progress, with evidence; `ask_close` also asks for 销号."""
    row = await finding_row(finding_id, scope)
    if scope is None:
        raise Forbidden("整改进展由责任企业报送。")
    at = now()
    state = await current_state(row, at)
    if not state.status.is_open:
        raise Conflict("该问题已销号，无需再报送进展。")
    if state.pending_request_at is not None:
        raise Conflict("该问题已申请销号，请等待国资委核验。")
    if not note.strip() and not files:
        raise Invalid("请填写整改进展或上传佐证材料。")
    if ask_close and not files:
        raise Invalid("申请销号须上传佐证材料。")
    for f in files:
        store.adopt(f.temp_path, f.sha256)
    async with write_transaction():
        event_id = await _event(finding_id, Kind.PROGRESS, note, actor, at)
        for f in files:
            assert f.detected is not None
            await FindingFile.insert(
                FindingFile(
                    event=event_id,
                    sha256=f.sha256,
                    original_name=f.original_name,
                    size_bytes=f.size,
                    media_type=f.detected.media_type,
                    detected_kind=f.detected.kind,
                )
            )
        await record(
            AuditAction.FINDING_PROGRESS,
            actor,
            entity="finding",
            entity_id=finding_id,
            enterprise_id=row["enterprise"],
            changes={"note": note[:500], "files": [f.original_name for f in files]},
        )
        if ask_close:
            await _event(finding_id, Kind.CLOSE_REQUEST, "", actor, at)
            await record(
                AuditAction.FINDING_CLOSE_REQUEST,
                actor,
                entity="finding",
                entity_id=finding_id,
                enterprise_id=row["enterprise"],
            )
    return event_id


async def _event(
    finding_id: int, kind: FindingEventKind, note: str, actor: Actor, at: dt.datetime
) -> int:
    inserted = await FindingEvent.insert(
        FindingEvent(
            finding=finding_id, kind=kind, happened_at=at, actor=actor.id, note=note[:4000]
        )
    ).returning(FindingEvent.id)
    return int(inserted[0]["id"])


async def verify(
    finding_id: int, close: bool, reason: str, *, actor: Actor, scope: int | None
) -> None:
    """SASAC's 销号 (close) or 退回 (with a reason) of a finding awaiting its check."""
    row = await finding_row(finding_id, scope)
    if scope is not None:
        raise Forbidden("企业不能核验销号。")
    if close and row["raised_by"] is not None and row["raised_by"] == actor.id:
        raise Forbidden("提出问题的人不能核验销号，请由其他人员核验。")
    if not close and not reason.strip():
        raise Invalid("请填写退回理由。")
    at = now()
    state = await current_state(row, at)
    if not state.status.is_open:
        raise Conflict("该问题已销号。")
    if not close and state.pending_request_at is None:
        raise Conflict("企业尚未申请销号，无需退回。")
    async with write_transaction():
        await _event(finding_id, Kind.CLOSED if close else Kind.REJECTED, reason, actor, at)
        await record(
            AuditAction.FINDING_CLOSE if close else AuditAction.FINDING_REJECT,
            actor,
            entity="finding",
            entity_id=finding_id,
            enterprise_id=row["enterprise"],
            changes={"reason": reason[:500]} if reason else {},
        )


async def rate_group(
    inspection_id: int, group_id: int, ratings: dict[str, str], *, actor: Actor
) -> None:
    """SASAC's ratings of one inspected group on the four focus areas (replacing earlier ones)."""
    row = await _inspection_for(inspection_id, None)
    if not InspectionKind(row["kind"]).by_sasac:
        raise Invalid("有效性评价只能由国资委督促检查给出。")
    group = await get_enterprise(group_id)
    if group is None or group.parent_id is not None:
        raise Invalid("只对集团（市属一级企业、提级管理企业）评价。")
    for dimension, rating in ratings.items():
        if dimension not in RatingDimension.labels() or rating not in Rating.labels():
            raise Invalid("检查评价应为：优、良、合格、不合格。")
    async with write_transaction():
        for dimension, rating in ratings.items():
            key = f"{inspection_id}:{group_id}:{dimension}"
            await InspectionRating.delete().where(InspectionRating.natural_key == key)
            if rating:
                await InspectionRating.insert(
                    InspectionRating(
                        inspection=inspection_id,
                        enterprise=group_id,
                        dimension=dimension,
                        rating=rating,
                        natural_key=key,
                    )
                )
        await record(
            AuditAction.INSPECTION_CREATE,
            actor,
            entity="inspection",
            entity_id=inspection_id,
            enterprise_id=group_id,
            changes={
                "ratings": {
                    RatingDimension.label_of(k): Rating.label_of(v) for k, v in ratings.items()
                }
            },
        )
