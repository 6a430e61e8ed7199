"""Which 整改台账 findings are owed a reminder as of an instant, and what it says. Reads only;
`scan.py` writes the ledger rows and messages, as for cells.

A finding is reminded like a reporting cell (rules/reminders.py `finding_step`): before its
整改时限 at the programme's offsets, overdue on the first working day after, then every so
many working days while it stays overdue; the accounts of the finding's group hear it. All
findings are read in a fixed number of statements, however many there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.db.fastread import as_utc
from backend.db.tables import Finding, FindingEvent, Programme
from backend.db.tables.reminders import finding_key
from backend.domain.mail.compose import MailFacts
from backend.domain.reminders.candidates import load_json, recipients_by_group
from backend.domain.shared.enterprises import EnterpriseRow, visible_enterprises
from backend.lib.timeutil import cn_date, local_date
from backend.rules.rectification.status import EventFact, FindingFacts, finding_state
from backend.rules.reminders import (
    ReminderKind,
    ReminderPolicy,
    ReminderStep,
    effective_policy,
    finding_step,
)

SHORT = 40  # characters of the 问题描述 a message quotes


@dataclass(frozen=True, slots=True)
class FindingCandidate:
    enterprise: EnterpriseRow  # the enterprise the finding concerns (涉及单位)
    finding_id: int
    description: str  # 问题描述, shortened
    step: ReminderStep
    recipients: tuple[int, ...]  # the active enterprise accounts of the finding's group

    def keys(self) -> dict[int, str]:
        step = self.step
        return {
            r: finding_key(self.finding_id, step.kind.value, step.offset, step.target_on, r)
            for r in self.recipients
        }

    @property
    def link(self) -> str:
        return f"/findings/{self.finding_id}"

    @property
    def subject(self) -> str:
        """How the CLI and the ledger name it."""
        return f"整改问题：{self.description}"

    def facts(self) -> MailFacts:
        return MailFacts(
            enterprise=self.enterprise.name, finding=self.description, due_on=self.step.target_on
        )

    def message(self, as_of: dt.datetime) -> tuple[str, str]:
        """The Chinese title and body."""
        step, name, text = self.step, self.enterprise.name, self.description
        deadline = cn_date(step.target_on)
        if step.kind is ReminderKind.OVERDUE:
            late = (local_date(as_of) - step.target_on).days
            return (
                f"【整改逾期提醒】整改问题已逾期 {late} 个自然日",
                f"{name}：整改问题「{text}」的整改时限为 {deadline}，至今未申请销号，"
                f"已逾期 {late} 个自然日。请尽快完成整改，在整改台账中填报进展并申请销号。",
            )
        return (
            f"【整改到期提醒】整改问题距整改时限还有 {step.offset} 个工作日",
            f"{name}：整改问题「{text}」的整改时限为 {deadline}，距截止还有 {step.offset} "
            "个工作日。请按期完成整改，并在整改台账中申请销号。",
        )


def shorten(text: str, limit: int = SHORT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


async def current_policy() -> ReminderPolicy:
    """Findings belong to no programme: the latest issued programme's policy (its 提醒规则
    override laid over it), or the defaults when none is loaded."""
    rows = await Programme.select(
        Programme.id, Programme.issued_on, Programme.reminder_policy, Programme.reminder_override
    )
    if not rows:
        return ReminderPolicy()
    row = max(rows, key=lambda r: (r["issued_on"] or dt.date.min, r["id"]))
    return effective_policy(load_json(row["reminder_policy"]), load_json(row["reminder_override"]))


async def _events(as_of: dt.datetime) -> dict[int, list[EventFact]]:
    found: dict[int, list[EventFact]] = {}
    for row in await FindingEvent.select(
        FindingEvent.finding, FindingEvent.kind, FindingEvent.happened_at
    ).where(FindingEvent.happened_at <= as_of):
        found.setdefault(row["finding"], []).append(
            EventFact(row["kind"], as_utc(row["happened_at"]))  # type: ignore[arg-type]
        )
    return found


def _state_step(
    row: dict[str, Any], events: list[EventFact], as_of: dt.datetime, policy: ReminderPolicy
) -> ReminderStep | None:
    facts = FindingFacts(
        as_utc(row["raised_at"]),  # type: ignore[arg-type]
        row["deadline"],
        row["rectification_type"],
        tuple(events),
    )
    state = finding_state(facts, as_of)
    return None if state is None else finding_step(state, as_of, policy)


async def due_finding_candidates(as_of: dt.datetime) -> list[FindingCandidate]:
    """Every finding's current step at `as_of` (five statements whatever the count)."""
    as_of = as_of.astimezone(dt.UTC)
    rows = await Finding.select(
        Finding.id,
        Finding.enterprise,
        Finding.group_id,
        Finding.description,
        Finding.deadline,
        Finding.rectification_type,
        Finding.raised_at,
    ).where(Finding.raised_at <= as_of)
    if not rows:
        return []
    policy = await current_policy()
    events = await _events(as_of)
    by_id = {e.id: e for e in await visible_enterprises()}  # active enterprises only
    groups = await recipients_by_group()
    found: list[FindingCandidate] = []
    for row in sorted(rows, key=lambda r: (r["deadline"], r["id"])):
        enterprise = by_id.get(row["enterprise"])
        recipients = groups.get(row["group_id"] or row["enterprise"], [])
        if enterprise is None or not recipients:
            continue
        step = _state_step(row, events.get(row["id"], []), as_of, policy)
        if step is not None:
            found.append(
                FindingCandidate(
                    enterprise, row["id"], shorten(row["description"]), step, tuple(recipients)
                )
            )
    return found
