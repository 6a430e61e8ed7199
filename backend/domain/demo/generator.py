"""Load fictional enterprises and a believable reporting history into an empty database.

Deterministic for a given seed and `today`. Every event is drawn on a plan (on time, late,
returned, never, pending review, exempt, extended) and then cut at the start of `today`, so the
history replays consistently at any earlier "as of" date and nothing lies in the future."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from backend.db.tables import (
    Enterprise,
    Exemption,
    Obligation,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from backend.db.transactions import write_transaction
from backend.domain.demo import names as N
from backend.lib import timeutil
from backend.lib.timeutil import TZ, cn_date, local_date
from backend.rules.cohorts import cohort_of, reports
from backend.rules.credit_code import CREDIT_CODE_ALPHABET, make_credit_code
from backend.rules.vocabulary import Grade
from backend.rules.workdays import add_workdays, is_workday
from backend.storage import FileStore

CHUNK = 500  # rows per INSERT: far below PostgreSQL's 32,767 parameters and SQLite's 32,766
OUTCOMES = ("on_time", "late", "returned", "never", "pending", "exempt", "extension")
PROFILES = {  # weights of OUTCOMES
    "normal": (67, 12, 10, 4, 3, 2, 2),
    "weak": (28, 30, 12, 20, 6, 2, 2),
    "exemplary": (91, 0, 5, 0, 2, 1, 1),
}
GRADES = tuple(Grade)
GRADE_WEIGHTS = {"normal": (18, 64, 18), "weak": (3, 37, 60), "exemplary": (65, 33, 2)}
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DemoSummary:
    groups: int
    subsidiaries: int
    submissions: int
    versions: int
    files: int
    reviews: int
    exemptions: int
    blobs: int
    weak: tuple[str, ...] = ()
    exemplary: tuple[str, ...] = ()


@dataclass
class _Plan:
    versions: list[dt.datetime] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)  # Review fields + "n"
    exemption: dict[str, Any] | None = None


async def database_is_empty() -> bool:
    return await Enterprise.count() == 0


def _office(rng: random.Random, day: dt.date, back: bool = False) -> dt.datetime:
    """A moment in office hours (Shanghai) on `day`, moved to the nearest working day."""
    while not is_workday(day):
        day += -_DAY if back else _DAY
    start = dt.datetime(day.year, day.month, day.day, tzinfo=TZ)
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 40)
    return start + dt.timedelta(minutes=minutes, seconds=rng.randint(0, 59))


def _after(rng: random.Random, moment: dt.datetime, low: int, high: int) -> dt.datetime:
    return _office(rng, add_workdays(local_date(moment), rng.randint(low, high)))


def _plan(rng: random.Random, profile: str, due: dt.date, today: dt.date) -> _Plan:
    plan = _Plan()
    outcome = rng.choices(OUTCOMES, PROFILES[profile])[0]
    early = 60 if due >= today else 20  # some early activity on what falls due in coming months
    on_time = _office(rng, due - rng.randint(1, early) * _DAY, back=True)
    late = _office(rng, due + rng.randint(1, 45) * _DAY)
    if outcome == "never":
        return plan
    if outcome in ("exempt", "extension"):
        granted = _office(rng, due - rng.randint(5, 40) * _DAY, back=True)
        plan.exemption = {"kind": outcome, "granted_at": granted}
        if outcome == "exempt":
            plan.exemption["reason"] = rng.choice(N.EXEMPT_REASONS).format(year=granted.year)
            return plan
        extended_to = due + rng.randint(15, 30) * _DAY
        reason = rng.choice(N.EXTENSION_REASONS).format(date=cn_date(extended_to))
        plan.exemption |= {"reason": reason, "extended_to": extended_to}
        plan.versions.append(_office(rng, extended_to - rng.randint(1, 12) * _DAY, back=True))
    elif outcome == "pending":  # a late filing sent in recently, or a fresh on-time one
        recent = _office(rng, today - rng.randint(1, 20) * _DAY, back=True)
        plan.versions.append(recent if due < today - 45 * _DAY else on_time)
        return plan
    else:
        is_late = outcome == "late" or (outcome == "returned" and rng.random() < 0.2)
        plan.versions.append(late if is_late else on_time)
    for _ in range(0 if outcome != "returned" else 2 if rng.random() < 0.25 else 1):
        at, n = _after(rng, plan.versions[-1], 2, 10), len(plan.versions)
        codes, text = rng.choice(N.RETURN_REMARKS)
        by = add_workdays(local_date(at), 5)
        review = dict(n=n, decision="return", released_at=at, remark=text, resubmit_by=by)
        plan.reviews.append(review | {"reasons": json.dumps(codes)})
        plan.versions.append(_after(rng, at, 1, 7))
    at, n = _after(rng, plan.versions[-1], 2, 10), len(plan.versions)
    grade = rng.choices(GRADES, GRADE_WEIGHTS[profile])[0]
    text = rng.choice(N.APPROVE_REMARKS[grade])
    plan.reviews.append(dict(n=n, decision="approve", released_at=at, grade=grade, remark=text))
    return plan


def _cut(plan: _Plan, cutoff: dt.datetime) -> _Plan:
    """Keep what happened before `cutoff`: the start of `today`."""
    versions = [v for v in plan.versions if v < cutoff]
    reviews = [r for r in plan.reviews if r["released_at"] < cutoff and r["n"] <= len(versions)]
    exemption = plan.exemption if plan.exemption and plan.exemption["granted_at"] < cutoff else None
    return _Plan(versions, reviews, exemption)


async def _insert(table: type[Table], rows: list[Any], *returning: Column) -> list[dict]:
    """Bulk insert in chunks; with `returning`, the returned rows of all chunks."""
    out: list[dict] = []
    for start in range(0, len(rows), CHUNK):
        query = table.insert(*rows[start : start + CHUNK])
        if returning:
            out.extend(await query.returning(*returning))
        else:
            await query
    return out


class _Roster:
    """Builds enterprises level by level: ids are needed for group_id and path."""

    def __init__(self, rng: random.Random, created: dt.datetime) -> None:
        self.rng, self.created = rng, created
        self.codes: set[str] = set()
        self.names: set[str] = set()

    def row(self, name: str, short: str, area: str, **extra: Any) -> Enterprise:
        rng = self.rng
        code = ""
        while not code or code in self.codes:
            body = "".join(rng.choices(CREDIT_CODE_ALPHABET, k=9))
            code = make_credit_code("9", "1", area, body)
        self.codes.add(code)
        self.names.add(name)
        contact = rng.choice(N.SURNAMES) + rng.choice(N.GIVEN)
        phone = f"0472-{rng.randint(2, 6)}{rng.randint(0, 999_999):06d}"
        email = f"hegui.demo{len(self.codes):03d}@example.cn"
        return Enterprise(
            name=name, short_name=short, credit_code=code, contact_name=contact,
            contact_phone=phone, contact_email=email, created_at=self.created,
            updated_at=self.created, **extra,
        )  # fmt: skip

    def child(self, parent: dict, fallback: Sequence[str], tier: int) -> Enterprise:
        line = parent["lines"].pop() if parent["lines"] else self.rng.choice(fallback)
        base = f"{parent['short'] if tier == 2 else parent['brand']}{line}"
        name, k = f"包头{base}有限公司（示例）", 1
        while name in self.names:
            k += 1
            name = f"包头{base}{k}有限公司（示例）"
        area = parent["area"] if self.rng.random() < 0.7 else self.rng.choice(N.AREAS)
        return self.row(name, base, area, tier=tier, parent=parent["id"])

    async def insert_level(self, rows: list[Enterprise], parents: Sequence[dict | None]) -> list:
        returned = await _insert(Enterprise, rows, Enterprise.id, Enterprise.credit_code)
        ids = {r["credit_code"]: r["id"] for r in returned}
        level = []
        for row, parent in zip(rows, parents, strict=True):
            eid = ids[row.credit_code]
            group_id = parent["group_id"] if parent else eid
            path = f"{parent['path'] if parent else '/'}{eid}/"
            values: dict[Column | str, Any] = {Enterprise.group_id: group_id, Enterprise.path: path}
            await Enterprise.update(values).where(Enterprise.id == eid)
            area = parent["area"] if parent else row.credit_code[2:8]
            brand = f"{parent['brand']}{row.short_name[len(parent['short']) :]}" if parent else ""
            level.append({"id": eid, "group_id": group_id, "path": path, "area": area,
                          "short": row.short_name, "brand": brand or row.short_name[:2],
                          "upgraded": row.upgraded_mgmt, "lines": []})  # fmt: skip
        return level


async def _enterprises(
    rng: random.Random, groups: int, upgraded: int, subsidiaries: int, created: dt.datetime
) -> list[dict[str, Any]]:
    roster = _Roster(rng, created)
    counsel = set(rng.sample(range(groups), round(groups / 2)))
    specs = N.GROUPS[:groups]
    rows = [
        roster.row(f"{name}（示例）", short, area, tier=1, upgraded_mgmt=i < upgraded,
                   has_general_counsel=i in counsel)
        for i, (name, short, _sector, area) in enumerate(specs)
    ]  # fmt: skip
    tops = await roster.insert_level(rows, [None] * groups)
    for top, (_name, _short, sector, _area) in zip(tops, specs, strict=True):
        lines = N.SECTOR_LINES.get(sector, ()) + N.GENERIC_LINES
        top["lines"] = rng.sample(lines, len(lines))
    n2 = round(subsidiaries * 0.65) if subsidiaries > 1 else subsidiaries
    weights = [3 if t["upgraded"] else 1 for t in tops]
    parents = rng.choices(tops, weights, k=n2) if tops else []
    rows = [roster.child(p, N.GENERIC_LINES, 2) for p in parents]
    seconds = await roster.insert_level(rows, parents)
    for second in seconds:
        second["lines"] = rng.sample(N.TIER3_LINES, len(N.TIER3_LINES))
    parents = [rng.choice(seconds) for _ in range(subsidiaries - n2)] if seconds else []
    await roster.insert_level([roster.child(p, N.TIER3_LINES, 3) for p in parents], parents)
    return tops


async def load_demo(
    store: FileStore,
    *,
    seed: int = 120,
    groups: int = 30,
    upgraded: int = 7,
    subsidiaries: int = 100,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill an empty database (programmes already loaded) with demonstration data."""
    if groups > len(N.GROUPS) or upgraded > groups:
        raise ValueError(f"groups must be ≤ {len(N.GROUPS)} and upgraded ≤ groups")
    if not await database_is_empty():
        raise RuntimeError("演示数据只能载入没有企业的空数据库")
    today = today or timeutil.today()
    cutoff = dt.datetime(today.year, today.month, today.day, tzinfo=TZ)
    created = min(dt.datetime(2023, 3, 1, 9, tzinfo=TZ), cutoff - _DAY)
    rng = random.Random(seed)
    active = Obligation.active.eq(True)
    obligations = await Obligation.select().where(active).order_by(Obligation.sort_order)
    blobs: dict[tuple[str, str, int], tuple[str, int]] = {}

    async with write_transaction():
        tops = await _enterprises(rng, groups, upgraded, subsidiaries, created)
        shuffled = rng.sample(tops, len(tops))
        weak, exemplary = shuffled[:3], shuffled[3:6]
        profiles = {t["id"]: "weak" for t in weak} | {t["id"]: "exemplary" for t in exemplary}
        plans: dict[str, tuple[dict, dict, _Plan]] = {}
        exemptions: list[Exemption] = []
        for top in tops:
            cohort = cohort_of(has_parent=False, upgraded_mgmt=top["upgraded"])
            for ob in obligations:
                if not reports(ob["applies_to"], cohort):
                    continue
                plan = _plan(rng, profiles.get(top["id"], "normal"), ob["due_on"], today)
                plan = _cut(plan, cutoff)
                if plan.exemption:
                    cell = {"enterprise": top["id"], "obligation": ob["id"]}
                    exemptions.append(Exemption(**cell, **plan.exemption))
                if plan.versions:
                    plans[f"{top['id']}:{ob['id']}"] = (top, ob, plan)
        await _insert(Exemption, exemptions)

        submissions = [
            Submission(enterprise=top["id"], obligation=ob["id"], natural_key=key,
                       latest_version=len(plan.versions), created_at=plan.versions[0])
            for key, (top, ob, plan) in plans.items()
        ]  # fmt: skip
        returned = await _insert(Submission, submissions, Submission.id, Submission.natural_key)
        sub_ids = {r["natural_key"]: r["id"] for r in returned}
        versions: list[SubmissionVersion] = []
        for key, (top, _ob, plan) in plans.items():
            for no, at in enumerate(plan.versions, start=1):
                versions.append(SubmissionVersion(
                    submission=sub_ids[key], version_no=no, natural_key=f"{sub_ids[key]}:{no}",
                    submitted_at=at, not_secret_declared=True,
                    note=rng.choice(N.RESUBMIT_NOTES if no > 1 else N.VERSION_NOTES),
                    doc_no=f"包{top['short'][:4]}发〔{at.year}〕{rng.randint(3, 160)}号",
                    doc_on=local_date(at) - rng.randint(0, 4) * _DAY,
                ))  # fmt: skip
        v = SubmissionVersion
        version_ids = {
            r["natural_key"]: r["id"] for r in await _insert(v, versions, v.id, v.natural_key)
        }

        files: list[SubmissionFile] = []
        reviews: list[Review] = []
        for key, (_top, ob, plan) in plans.items():
            for no, at in enumerate(plan.versions, start=1):
                for name in N.file_names(ob, no, rng):
                    blob_key = (name, f"{ob['code']}-{ob['due_year']}", no)
                    if blob_key not in blobs:
                        data = N.sample_pdf(*blob_key)
                        blobs[blob_key] = (store.put_bytes(data), len(data))
                    sha, size = blobs[blob_key]
                    files.append(SubmissionFile(
                        version=version_ids[f"{sub_ids[key]}:{no}"], sha256=sha, size_bytes=size,
                        original_name=f"{name}.pdf", media_type="application/pdf",
                        detected_kind="pdf", created_at=at,
                    ))  # fmt: skip
            for r in plan.reviews:
                vid = version_ids[f"{sub_ids[key]}:{r.pop('n')}"]
                reviews.append(
                    Review(version=vid, state="released", created_at=r["released_at"], **r)
                )
        await _insert(SubmissionFile, files)
        await _insert(Review, reviews)

    return DemoSummary(
        groups=len(tops), subsidiaries=subsidiaries, submissions=len(submissions),
        versions=len(versions), files=len(files), reviews=len(reviews),
        exemptions=len(exemptions), blobs=len(blobs),
        weak=tuple(t["short"] for t in weak), exemplary=tuple(t["short"] for t in exemplary),
    )  # fmt: skip
