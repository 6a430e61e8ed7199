"""An enterprise's whole programme: each obligation's state as of a date, and its events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.db.tables import Exemption, Review, SubmissionVersion
from backend.domain.board.facts import load_facts
from backend.domain.board.service import Cell, CellComputer, Column, build_cells, load_columns
from backend.domain.programmes.service import list_programmes, pick_programme
from backend.domain.shared.chases import chase_events
from backend.domain.shared.enterprises import EnterpriseRow
from backend.lib.timeutil import end_of_day, local_date
from backend.rules.vocabulary import Decision, ExemptionKind, Grade, ReviewState


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    code: str
    text: str
    tone: str = ""
    obligation_id: int | None = None  # the task row and its side panel
    submission_id: int | None = None  # the review page, for those who review


@dataclass
class Timeline:
    columns: list[Column]
    cells: dict[int, Cell]
    events: list[TimelineEvent]
    programme: dict | None

    @property
    def by_year(self) -> list[tuple[int, list[TimelineEvent]]]:
        """The events grouped by their year in Shanghai, newest year first (events are already
        newest first)."""
        groups: dict[int, list[TimelineEvent]] = {}
        for event in self.events:
            groups.setdefault(local_date(event.at).year, []).append(event)
        return list(groups.items())


async def enterprise_timeline(
    enterprise: EnterpriseRow, as_of_day: dt.date, window: int
) -> Timeline:
    programme = pick_programme(await list_programmes(), None)
    columns = await load_columns(programme["id"]) if programme else []
    reporter = enterprise.group_id if enterprise.parent_id is not None else enterprise.id
    as_of = end_of_day(as_of_day)
    facts = await load_facts([c.id for c in columns], as_of, [reporter])
    cells = build_cells(enterprise, columns, CellComputer(facts, as_of, window))
    columns = [c for c in columns if c.id in cells]
    codes = {c.id: f"{c.code}（{c.due_year}年度）" for c in columns}
    return Timeline(columns, cells, await _events(enterprise.id, codes, as_of), programme)


async def _events(
    enterprise_id: int, codes: dict[int, str], as_of: dt.datetime
) -> list[TimelineEvent]:
    sv = SubmissionVersion
    events = [
        TimelineEvent(
            r["submitted_at"],
            codes.get(r["o"], ""),
            f"报送第 {r['version_no']} 版",
            obligation_id=r["o"],
            submission_id=r["s"],
        )
        for r in await sv.select(
            sv.submission._.obligation.as_alias("o"),
            sv.submission.as_alias("s"),
            sv.version_no,
            sv.submitted_at,
        ).where(sv.submission._.enterprise == enterprise_id, sv.submitted_at <= as_of)
    ]
    rv = Review
    for r in await rv.select(
        rv.version._.submission._.obligation.as_alias("o"),
        rv.version.submission.as_alias("s"),
        rv.version.version_no.as_alias("n"),
        rv.decision,
        rv.grade,
        rv.released_at,
    ).where(
        rv.version._.submission._.enterprise == enterprise_id,
        rv.state == ReviewState.RELEASED,
        rv.released_at <= as_of,
    ):
        text = f"第 {r['n']} 版{Decision.label_of(r['decision'], '已审核')}"
        if r["grade"]:
            text += f"（{Grade.label_of(r['grade'], '—')}）"
        tone = "good" if r["decision"] == Decision.APPROVE else "bad"
        events.append(
            TimelineEvent(r["released_at"], codes.get(r["o"], ""), text, tone, r["o"], r["s"])
        )
    for r in await Exemption.select().where(
        Exemption.enterprise == enterprise_id, Exemption.granted_at <= as_of
    ):
        text = "认定不适用" if r["kind"] == ExemptionKind.EXEMPT else "同意延期"
        obligation = r["obligation"]
        events.append(
            TimelineEvent(r["granted_at"], codes.get(obligation, ""), text, "", obligation)
        )
    for c in await chase_events(enterprise_id, list(codes), as_of):
        note = f"：{c.note}" if c.note else ""
        text = f"{c.sender}催报{note}"
        ob = c.obligation_id
        events.append(TimelineEvent(c.at, codes.get(ob, ""), text, "chase", ob))
    return sorted(events, key=lambda e: e.at, reverse=True)
