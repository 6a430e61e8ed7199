"""Reading the 整改台账 within the user's scope, as of an instant: each finding's status is
derived from its history up to then, so any past date replays (like the board)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from backend.db.fastread import as_utc
from backend.db.tables import (
    Enterprise,
    Finding,
    FindingEvent,
    FindingFile,
    Inspection,
    InspectionFile,
    InspectionRating,
    InspectionScope,
)
from backend.domain.errors import NotFound
from backend.lib.timeutil import local_date
from backend.rules.rectification.scoring import FindingIn
from backend.rules.rectification.status import EventFact, FindingFacts, finding_state
from backend.rules.rectification.vocabulary import (
    FindingEventKind,
    FindingSource,
    FindingStatus,
    InspectionKind,
    RatingDimension,
    RectificationType,
    Severity,
)
from backend.rules.vocabulary import Rating

SEVERITY_ORDER = {s.value: n for n, s in enumerate(Severity)}
SORTS = {
    "deadline": lambda r: (r["deadline"], r["id"]),
    "severity": lambda r: (-SEVERITY_ORDER.get(r["severity"], 0), r["deadline"], r["id"]),
    "status": lambda r: (r["status_order"], r["deadline"], r["id"]),
    "enterprise": lambda r: (r["enterprise_name"], r["deadline"], r["id"]),
    "raised": lambda r: (r["raised_at"], r["id"]),
}


@dataclass(frozen=True)
class FindingFilter:
    year: int | None = None  # the year of the 整改时限
    enterprise_id: int | None = None  # that enterprise and, for a group, its subsidiaries
    domain: str = ""
    severity: str = ""
    source: str = ""
    status: str = ""
    overdue: bool = False
    inspection_id: int | None = None
    sort: str = "deadline"
    descending: bool = False


def _facts(row: dict[str, Any], events: list[dict[str, Any]]) -> FindingFacts:
    return FindingFacts(
        as_utc(row["raised_at"]),  # type: ignore[arg-type]
        row["deadline"],
        row["rectification_type"],
        tuple(EventFact(e["kind"], as_utc(e["happened_at"])) for e in events),  # type: ignore[arg-type]
    )


FINDING_COLUMNS = (
    Finding.id,
    Finding.inspection,
    Finding.inspection.name.as_alias("inspection_name"),
    Finding.inspection.started_on.as_alias("inspection_on"),
    Finding.source,
    Finding.enterprise,
    Finding.enterprise.name.as_alias("enterprise_name"),
    Finding.group_id,
    Finding.domain,
    Finding.key_link,
    Finding.description,
    Finding.severity,
    Finding.cause,
    Finding.measures,
    Finding.rectification_type,
    Finding.owner_unit,
    Finding.owner_name,
    Finding.deadline,
    Finding.rules_made,
    Finding.accountability,
    Finding.remark,
    Finding.raised_by,
    Finding.raised_by.display_name.as_alias("raised_by_name"),
    Finding.raised_at,
)
STATUS_ORDER = {s: n for n, s in enumerate(FindingStatus)}
STATUS_ORDER[FindingStatus.OVERDUE] = -1  # the most urgent first


async def _events_of(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        rows = await FindingEvent.select(
            FindingEvent.id,
            FindingEvent.finding,
            FindingEvent.kind,
            FindingEvent.happened_at,
            FindingEvent.note,
            FindingEvent.actor.display_name.as_alias("actor_name"),
        ).where(FindingEvent.finding.is_in(ids[start : start + 500]))
        for row in rows:
            found.setdefault(row["finding"], []).append(row)
    for events in found.values():
        events.sort(key=lambda e: (as_utc(e["happened_at"]), e["id"]))
    return found


def _decorate(row: dict[str, Any], events: list[dict[str, Any]], as_of: dt.datetime) -> bool:
    """Add the status as of the instant; False when the finding did not exist yet."""
    state = finding_state(_facts(row, events), as_of)
    if state is None:
        return False
    row["raised_at"] = as_utc(row["raised_at"])
    row["status"] = state.status.value
    row["status_label"] = state.status.label
    row["status_order"] = STATUS_ORDER[state.status]
    row["overdue"] = state.overdue
    row["closed_at"] = state.closed_at
    row["completed_at"] = state.completed_at
    row["completed_late"] = state.completed_late
    row["pending_request_at"] = state.pending_request_at
    row["source_label"] = FindingSource.label_of(row["source"])
    row["severity_label"] = Severity.label_of(row["severity"])
    row["type_label"] = RectificationType.label_of(row["rectification_type"])
    closer = [e for e in events if e["kind"] == FindingEventKind.CLOSED]
    row["checker_name"] = closer[0]["actor_name"] if closer and state.closed_at else ""
    return True


async def list_findings(
    filters: FindingFilter, scope: int | None, as_of: dt.datetime
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Every matching finding as of the instant (sorted), and the counts per status before
    the status filters apply (the page's summary)."""
    query = Finding.select(*FINDING_COLUMNS).where(Finding.raised_at <= as_of)
    if scope is not None:
        query = query.where(Finding.group_id == scope)
    if filters.year is not None:
        query = query.where(
            Finding.deadline >= dt.date(filters.year, 1, 1),
            Finding.deadline <= dt.date(filters.year, 12, 31),
        )
    if filters.enterprise_id is not None:
        query = query.where(
            (Finding.enterprise == filters.enterprise_id)
            | (Finding.group_id == filters.enterprise_id)
        )
    if filters.inspection_id is not None:
        query = query.where(Finding.inspection == filters.inspection_id)
    for column, value in (
        (Finding.domain, filters.domain),
        (Finding.severity, filters.severity),
        (Finding.source, filters.source),
    ):
        if value:
            query = query.where(column == value)
    rows = await query
    events = await _events_of([r["id"] for r in rows])
    found = [r for r in rows if _decorate(r, events.get(r["id"], []), as_of)]
    counts = Counter(r["status"] for r in found)
    counts["overdue_any"] = sum(1 for r in found if r["overdue"])
    counts["all"] = len(found)
    if filters.status:
        found = [r for r in found if r["status"] == filters.status]
    if filters.overdue:
        found = [r for r in found if r["overdue"]]
    found.sort(key=SORTS.get(filters.sort, SORTS["deadline"]), reverse=filters.descending)
    return found, counts


async def finding_detail(finding_id: int, scope: int | None, as_of: dt.datetime) -> dict[str, Any]:
    query = Finding.select(*FINDING_COLUMNS).where(Finding.id == finding_id)
    if scope is not None:
        query = query.where(Finding.group_id == scope)
    row = await query.first()
    if row is None:
        raise NotFound("未找到该整改问题。")
    events = (await _events_of([finding_id])).get(finding_id, [])
    if not _decorate(row, events, as_of):
        raise NotFound("该整改问题在所选日期尚未登记。")
    files = await FindingFile.select(
        FindingFile.id,
        FindingFile.event,
        FindingFile.original_name,
        FindingFile.size_bytes,
    ).where(FindingFile.event.is_in([e["id"] for e in events] or [0]))
    by_event: dict[int, list[dict[str, Any]]] = {}
    for f in files:
        by_event.setdefault(f["event"], []).append(f)
    row["history"] = [
        {
            **e,
            "happened_at": as_utc(e["happened_at"]),
            "kind_label": FindingEventKind.label_of(e["kind"]),
            "files": by_event.get(e["id"], []),
            "future": as_utc(e["happened_at"]) > as_of,  # type: ignore[operator]
        }
        for e in events
    ]
    return row


async def evidence_file(finding_id: int, file_id: int, scope: int | None) -> dict[str, Any] | None:
    row = (
        await FindingFile.select(
            FindingFile.id,
            FindingFile.sha256,
            FindingFile.original_name,
            FindingFile.media_type,
            FindingFile.event.finding.as_alias("finding"),
        )
        .where(FindingFile.id == file_id)
        .first()
    )
    if row is None or row["finding"] != finding_id:
        return None
    owner = (
        await Finding.select(Finding.enterprise, Finding.group_id)
        .where(Finding.id == finding_id)
        .first()
    )
    if owner is None or (scope is not None and owner["group_id"] != scope):
        return None
    return {**row, "enterprise": owner["enterprise"]}


async def list_inspections(scope: int | None, year: int | None = None) -> list[dict[str, Any]]:
    query = Inspection.select(
        Inspection.id,
        Inspection.kind,
        Inspection.name,
        Inspection.inspection_year,
        Inspection.started_on,
        Inspection.ended_on,
        Inspection.team,
        Inspection.owner,
    ).order_by(Inspection.started_on, ascending=False)
    if year is not None:
        query = query.where(Inspection.inspection_year == year)
    rows = await query
    scopes = await InspectionScope.select(
        InspectionScope.inspection,
        InspectionScope.enterprise,
        InspectionScope.enterprise.name.as_alias("name"),
        InspectionScope.enterprise.group_id.as_alias("group_id"),
    ).where(InspectionScope.inspection.is_in([r["id"] for r in rows] or [0]))
    members: dict[int, list[dict[str, Any]]] = {}
    for s in scopes:
        members.setdefault(s["inspection"], []).append(s)
    counts = Counter(
        r["inspection"]
        for r in await Finding.select(Finding.inspection).where(
            Finding.inspection.is_in([r["id"] for r in rows] or [0])
        )
    )
    result = []
    for r in rows:
        mine = members.get(r["id"], [])
        if scope is not None and r["owner"] != scope:
            mine = [m for m in mine if (m["group_id"] or m["enterprise"]) == scope]
            if not mine:
                continue
        r["kind_label"] = InspectionKind.label_of(r["kind"])
        r["enterprises"] = mine
        r["finding_count"] = counts.get(r["id"], 0)
        result.append(r)
    return result


async def inspection_detail(inspection_id: int, scope: int | None) -> dict[str, Any]:
    found = [r for r in await list_inspections(scope) if r["id"] == inspection_id]
    if not found:
        raise NotFound("未找到该检查。")
    row = found[0]
    ratings = await InspectionRating.select(
        InspectionRating.enterprise,
        InspectionRating.enterprise.name.as_alias("name"),
        InspectionRating.dimension,
        InspectionRating.rating,
    ).where(InspectionRating.inspection == inspection_id)
    table: dict[int, dict[str, Any]] = {}
    for r in ratings:
        if scope is not None and r["enterprise"] != scope:
            continue
        entry = table.setdefault(r["enterprise"], {"name": r["name"], "ratings": {}})
        entry["ratings"][RatingDimension.label_of(r["dimension"])] = Rating.label_of(r["rating"])
    row["ratings"] = list(table.values())
    row["files"] = await InspectionFile.select(
        InspectionFile.id, InspectionFile.original_name, InspectionFile.size_bytes
    ).where(InspectionFile.inspection == inspection_id)
    return row


async def latest_sasac_ratings(year: int, group_ids: list[int] | None) -> dict[int, dict[str, Any]]:
    """Per group: the ratings of the year's latest SASAC inspection that rated it, with the
    inspection's name (the effectiveness part of the score)."""
    query = InspectionRating.select(
        InspectionRating.enterprise,
        InspectionRating.dimension,
        InspectionRating.rating,
        InspectionRating.inspection,
        InspectionRating.inspection.name.as_alias("inspection_name"),
        InspectionRating.inspection.ended_on.as_alias("ended_on"),
    ).where(
        InspectionRating.inspection.inspection_year == year,
        InspectionRating.inspection.kind.is_in([k.value for k in InspectionKind if k.by_sasac]),
    )
    if group_ids is not None:
        query = query.where(InspectionRating.enterprise.is_in(group_ids or [0]))
    latest: dict[int, dict[str, Any]] = {}
    for r in sorted(await query, key=lambda r: (r["ended_on"], r["inspection"])):
        entry = latest.get(r["enterprise"])
        if entry is None or entry["inspection"] != r["inspection"]:
            entry = {"inspection": r["inspection"], "name": r["inspection_name"], "ratings": {}}
            latest[r["enterprise"]] = entry
        entry["ratings"][r["dimension"]] = r["rating"]
    return latest


async def enterprise_names(ids: list[int]) -> dict[int, str]:
    rows = await Enterprise.select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.is_in(ids or [0])
    )
    return {r["id"]: r["name"] for r in rows}


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return local_date(moment) if moment else None


async def findings_for_scores(
    year: int, group_ids: list[int] | None, as_of: dt.datetime
) -> dict[int, tuple[FindingIn, ...]]:
    """Per group: the facts of its findings (its subsidiaries' too) whose 整改时限 falls in the
    year and that were raised by the instant, for the rectification part of the score."""
    query = Finding.select(
        Finding.id,
        Finding.group_id,
        Finding.description,
        Finding.severity,
        Finding.rectification_type,
        Finding.deadline,
        Finding.raised_at,
    ).where(
        Finding.deadline >= dt.date(year, 1, 1),
        Finding.deadline <= dt.date(year, 12, 31),
        Finding.raised_at <= as_of,
    )
    if group_ids is not None:
        query = query.where(Finding.group_id.is_in(group_ids or [0]))
    rows = sorted(await query, key=lambda r: (r["deadline"], r["id"]))
    events = await _events_of([r["id"] for r in rows])
    found: dict[int, list[FindingIn]] = {}
    for r in rows:
        facts = _facts(r, [e for e in events.get(r["id"], []) if as_utc(e["happened_at"]) <= as_of])  # type: ignore[operator]
        title = r["description"] if len(r["description"]) <= 40 else r["description"][:40] + "…"
        found.setdefault(r["group_id"], []).append(FindingIn(r["id"], title, r["severity"], facts))
    return {group: tuple(items) for group, items in found.items()}


async def open_counts(
    scope: int | None, as_of: dt.datetime
) -> dict[tuple[int, int], dict[str, int]]:
    """(group, year of the 整改时限) → open and overdue findings as of the instant (the board's
    整改 columns; a group's count includes its subsidiaries')."""
    rows, _ = await list_findings(FindingFilter(), scope, as_of)
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for r in rows:
        if r["status"] in (FindingStatus.CLOSED, FindingStatus.ONGOING):
            continue
        entry = counts.setdefault((r["group_id"], r["deadline"].year), {"open": 0, "overdue": 0})
        entry["open"] += 1
        entry["overdue"] += 1 if r["overdue"] else 0
    return counts


async def histories(ids: list[int], as_of: dt.datetime) -> dict[int, list[dict[str, Any]]]:
    """Each finding's entries up to the instant, with their evidence file names (the export)."""
    events = await _events_of(ids)
    event_ids = [e["id"] for items in events.values() for e in items] or [0]
    names: dict[int, list[str]] = {}
    for start in range(0, len(event_ids), 500):
        for f in await FindingFile.select(FindingFile.event, FindingFile.original_name).where(
            FindingFile.event.is_in(event_ids[start : start + 500])
        ):
            names.setdefault(f["event"], []).append(f["original_name"])
    return {
        finding: [
            {
                **e,
                "happened_at": as_utc(e["happened_at"]),
                "kind_label": FindingEventKind.label_of(e["kind"]),
                "file_names": names.get(e["id"], []),
            }
            for e in items
            if as_utc(e["happened_at"]) <= as_of  # type: ignore[operator]
        ]
        for finding, items in events.items()
    }
