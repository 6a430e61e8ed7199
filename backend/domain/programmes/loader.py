"""Load a programme data file (seed/programmes/*.json) into the database, idempotently.

A file whose SHA-256 matches what was loaded changes nothing. A changed file updates the
programme in place by natural key; obligations missing from it are deactivated, never deleted,
because submissions may point at them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from piccolo.columns import Column

from backend.db.tables import Obligation, Programme, ReferenceItem
from backend.db.transactions import write_transaction
from backend.rules.reminders import ReminderPolicy

REFERENCE_KINDS = ("focus_domains", "key_links", "key_personnel", "key_tasks", "defence_lines")


@dataclass(frozen=True)
class LoadResult:
    code: str
    changed: bool
    obligations: int


def expand_obligations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per due occurrence: an annual duty becomes one row per year of the programme."""
    phases = data.get("phases", [])
    rows: list[dict[str, Any]] = []
    for order, item in enumerate(data["obligations"]):
        if item["recurrence"] == "annual":
            month, day = (int(p) for p in item["due_month_day"].split("-"))
            overrides = item.get("due_overrides") or {}
            occurrences = [
                dt.date.fromisoformat(overrides[str(year)])
                if str(year) in overrides
                else dt.date(year, month, day)
                for year in item["years"]
            ]
        else:
            occurrences = [dt.date.fromisoformat(item["due_on"])]
        for due_on in occurrences:
            weights = item.get("weights", {})
            rows.append(
                {
                    "natural_key": f"{data['code']}:{item['code']}:{due_on.year}",
                    "code": item["code"],
                    "title": item["title"],
                    "short_title": item.get("short_title") or item["title"][:6],
                    "description": item.get("description", ""),
                    "clause": item.get("clause", ""),
                    "phase": item.get("phase") or phase_of(due_on, phases),
                    "applies_to": item["applies_to"],
                    "recurrence": item["recurrence"],
                    "due_month_day": item.get("due_month_day", ""),
                    "due_year": due_on.year,
                    "due_on": due_on,
                    "due_note": item.get("due_note") or "",
                    "deliverables": json.dumps(item.get("deliverables", []), ensure_ascii=False),
                    "key_tasks": json.dumps(item.get("key_tasks", [])),
                    "weight": float(weights.get(str(due_on.year), 0)),
                    "weight_group": item.get("weight_group", ""),
                    "sort_order": due_on.year * 1000 + order,
                    "active": True,
                }
            )
    return rows


def _reminder_policy(data: dict[str, Any]) -> dict[str, Any]:
    """The file's "reminders" block, checked now so a bad offset fails the load, not the scan."""
    block = data.get("reminders") or {}
    try:
        ReminderPolicy.from_data(block)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"工作方案 {data['code']} 的提醒设置有误：{exc}") from exc
    return dict(block)


def phase_of(day: dt.date, phases: list[dict[str, Any]]) -> str:
    for phase in phases:
        if dt.date.fromisoformat(phase["start"]) <= day <= dt.date.fromisoformat(phase["end"]):
            return phase["code"]
    return phases[-1]["code"] if phases else ""


async def load_programme_file(path: Path) -> LoadResult:
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    data = json.loads(raw)
    existing = await Programme.objects().where(Programme.code == data["code"]).first()
    if existing is not None and existing.source_sha256 == digest:
        count = await Obligation.count().where(Obligation.programme == existing.id)
        return LoadResult(data["code"], False, count)

    fields = {
        Programme.title: data["title"],
        Programme.doc_no: data.get("doc_no", ""),
        Programme.issuer: data.get("issuer", ""),
        Programme.issued_on: dt.date.fromisoformat(data["issued_on"]),
        Programme.period_start: dt.date.fromisoformat(data["period_start"]),
        Programme.period_end: dt.date.fromisoformat(data["period_end"]),
        Programme.phases: json.dumps(data.get("phases", []), ensure_ascii=False),
        Programme.source_sha256: digest,
        Programme.reminder_policy: json.dumps(_reminder_policy(data)),
    }
    rows = expand_obligations(data)
    async with write_transaction():
        if existing is None:
            created = await Programme.insert(
                Programme(code=data["code"], **{c._meta.name: v for c, v in fields.items()})
            ).returning(Programme.id)
            programme_id = created[0]["id"]
        else:
            programme_id = existing.id
            # update() takes dict[Column | str, Any], and a dict is invariant in its key type.
            await Programme.update(cast(dict[Column | str, Any], fields)).where(
                Programme.id == programme_id
            )
        await _replace_reference(programme_id, data.get("reference", {}))
        await _upsert_obligations(programme_id, rows)
    return LoadResult(data["code"], True, len(rows))


async def _replace_reference(programme_id: int, reference: dict[str, Any]) -> None:
    await ReferenceItem.delete().where(ReferenceItem.programme == programme_id)
    items = [
        ReferenceItem(
            programme=programme_id,
            kind=kind,
            seq=entry["seq"],
            name=entry["name"],
            group_name=entry.get("group", ""),
            clause=entry.get("clause", ""),
            detail=entry.get("detail", ""),
        )
        for kind in REFERENCE_KINDS
        for entry in reference.get(kind, [])
    ]
    if items:
        await ReferenceItem.insert(*items)


async def _upsert_obligations(programme_id: int, rows: list[dict[str, Any]]) -> None:
    current = {
        r["natural_key"]: r["id"]
        for r in await Obligation.select(Obligation.id, Obligation.natural_key).where(
            Obligation.programme == programme_id
        )
    }
    for row in rows:
        if row["natural_key"] in current:
            await Obligation.update({getattr(Obligation, k): v for k, v in row.items()}).where(
                Obligation.id == current.pop(row["natural_key"])
            )
        else:
            await Obligation.insert(Obligation(programme=programme_id, **row))
    if current:
        await Obligation.update({Obligation.active: False}).where(
            Obligation.id.is_in(list(current.values()))
        )


async def load_all_programmes(seed_dir: Path) -> list[LoadResult]:
    return [
        await load_programme_file(path) for path in sorted((seed_dir / "programmes").glob("*.json"))
    ]
