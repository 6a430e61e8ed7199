"""The story of one cell: every version, file, review and exemption, against the as-of date."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from backend.db.tables import Exemption, Obligation, Review, Submission, SubmissionFile
from backend.db.tables import SubmissionVersion as Version
from backend.domain.board.facts import load_facts
from backend.domain.shared.chases import ChaseEvent, ChaseTally, chase_events
from backend.domain.shared.enterprises import EnterpriseRow, get_enterprise
from backend.lib.timeutil import cn_date, end_of_day
from backend.rules.cell_status import CellState, cell_status
from backend.rules.chase import is_chaseable
from backend.rules.cohorts import covered_by_group, has_cell
from backend.rules.vocabulary import Decision, ExemptionKind, Grade, ReturnReason, ReviewState


@dataclass
class Event:
    at: dt.datetime
    kind: str  # version | review | exemption | chase
    title: str
    detail: str = ""
    after_as_of: bool = False
    tone: str = ""  # good | bad | ""
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CellHistory:
    enterprise: EnterpriseRow
    reporter: EnterpriseRow  # who delivers: the enterprise itself, or its group for 全级次 duties
    obligation: dict[str, Any]
    state: CellState
    events: list[Event]
    chase: ChaseTally = field(default_factory=lambda: ChaseTally(0, None))  # up to as_of

    @property
    def chaseable(self) -> bool:
        return is_chaseable(self.state)


async def cell_history(
    enterprise_id: int,
    obligation_id: int,
    as_of_day: dt.date,
    window: int = 5,
    scope: int | None = None,
) -> CellHistory | None:
    enterprise = await get_enterprise(enterprise_id, scope)
    obligation = await Obligation.select().where(Obligation.id == obligation_id).first()
    if enterprise is None or obligation is None:
        return None
    if not has_cell(obligation["applies_to"], enterprise.cohort):
        return None
    reporter = enterprise
    if covered_by_group(obligation["applies_to"], enterprise.cohort):
        reporter = await get_enterprise(enterprise.group_id) or enterprise
    as_of = end_of_day(as_of_day)
    facts = await load_facts([obligation_id], as_of, [reporter.id])
    key = (reporter.id, obligation_id)
    state = cell_status(
        obligation["due_on"],
        as_of,
        facts.versions.get(key, ()),
        facts.reviews.get(key, ()),
        facts.exemptions.get(key, ()),
        window,
    )
    events = await _events(reporter.id, obligation_id, as_of)
    chases = await chase_events(reporter.id, [obligation_id])
    events = sorted(events + [_chase_event(c, as_of) for c in chases], key=lambda ev: ev.at)
    shown = [c for c in chases if c.at <= as_of]
    obligation["deliverables"] = json.loads(obligation["deliverables"] or "[]")
    tally = ChaseTally(len(shown), shown[-1] if shown else None)
    return CellHistory(enterprise, reporter, obligation, state, events, tally)


def _chase_event(c: ChaseEvent, as_of: dt.datetime) -> Event:
    detail = f"发送给 {c.recipients} 个企业账号" + (f"；留言：{c.note}" if c.note else "")
    return Event(c.at, "chase", f"{c.sender}催报", detail, c.at > as_of, "chase")


async def _events(enterprise_id: int, obligation_id: int, as_of: dt.datetime) -> list[Event]:
    events: list[Event] = []
    submission = (
        await Submission.select(Submission.id)
        .where(Submission.enterprise == enterprise_id, Submission.obligation == obligation_id)
        .first()
    )
    if submission is not None:
        versions = await Version.select(
            Version.id, Version.version_no, Version.submitted_at, Version.note, Version.doc_no
        ).where(Version.submission == submission["id"])
        version_nos = {v["id"]: v["version_no"] for v in versions}
        files = await SubmissionFile.select(
            SubmissionFile.id,
            SubmissionFile.version,
            SubmissionFile.original_name,
            SubmissionFile.size_bytes,
        ).where(SubmissionFile.version.is_in(list(version_nos) or [0]))
        for v in versions:
            detail = v["note"] + (f"（文号：{v['doc_no']}）" if v["doc_no"] else "")
            events.append(
                Event(
                    v["submitted_at"],
                    "version",
                    f"报送第 {v['version_no']} 版",
                    detail,
                    v["submitted_at"] > as_of,
                    files=[f for f in files if f["version"] == v["id"]],
                )
            )
        reviews = await Review.select(
            Review.version,
            Review.decision,
            Review.grade,
            Review.reasons,
            Review.remark,
            Review.resubmit_by,
            Review.released_at,
        ).where(
            Review.version.is_in(list(version_nos) or [0]), Review.state == ReviewState.RELEASED
        )
        events.extend(_review_event(r, version_nos, as_of) for r in reviews)
    exemptions = await Exemption.select().where(
        Exemption.enterprise == enterprise_id, Exemption.obligation == obligation_id
    )
    for e in exemptions:
        if e["kind"] == ExemptionKind.EXEMPT:
            title, detail = "认定为不适用", e["reason"]
        else:
            title, detail = f"同意延期至{cn_date(e['extended_to'])}", e["reason"]
        events.append(Event(e["granted_at"], "exemption", title, detail, e["granted_at"] > as_of))
    return sorted(events, key=lambda ev: ev.at)


def _review_event(r: dict[str, Any], version_nos: dict[int, int], as_of: dt.datetime) -> Event:
    number = version_nos.get(r["version"], 0)
    if r["decision"] == Decision.APPROVE:
        grade = Grade.label_of(r["grade"], "—")
        title, tone = f"第 {number} 版审核通过（评级：{grade}）", "good"
        detail = r["remark"]
    else:
        reasons = "、".join(
            ReturnReason.label_of(c, "其他") for c in json.loads(r["reasons"] or "[]")
        )
        title, tone = f"第 {number} 版{Decision.label_of(r['decision'])}", "bad"
        parts = [p.rstrip("。；") for p in (reasons, r["remark"]) if p]
        if r["resubmit_by"]:
            parts.append(f"请于{cn_date(r['resubmit_by'])}前重新报送")
        detail = "；".join(parts)
    return Event(r["released_at"], "review", title, detail, r["released_at"] > as_of, tone)
