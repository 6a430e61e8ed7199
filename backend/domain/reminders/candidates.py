"""Which reminders are due as of an instant: every reporting cell's current step, with the
accounts that hear it. Reads only; `scan.py` writes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from backend.db import fastread
from backend.db.fastread import as_utc
from backend.db.tables import Account, Programme
from backend.domain.board.facts import load_facts
from backend.domain.board.service import CellComputer, Column, cell_plan, load_columns
from backend.domain.shared.enterprises import EnterpriseRow, visible_enterprises
from backend.rules.reminders import ReminderStep, due_step, effective_policy
from backend.security.policy import ENTERPRISE_ROLES


@dataclass(frozen=True, slots=True)
class Candidate:
    enterprise: EnterpriseRow  # who owes the deliverable (the group for 全级次 duties it covers)
    column: Column
    step: ReminderStep
    recipients: tuple[int, ...]  # the active enterprise accounts of the enterprise's group


def load_json(raw: object) -> dict[str, Any]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


async def recipients_by_group() -> dict[int, list[int]]:
    rows = await Account.select(
        Account.id, Account.enterprise, Account.enterprise.group_id.as_alias("group_id")
    ).where(
        Account.active == True,  # noqa: E712 (a column expression)
        Account.role.is_in([r.value for r in ENTERPRISE_ROLES]),
        Account.enterprise.is_not_null(),
    )
    groups: dict[int, list[int]] = {}
    for r in rows:
        groups.setdefault(r["group_id"] or r["enterprise"], []).append(r["id"])
    return groups


async def _resubmit_deadlines(as_of: dt.datetime) -> dict[tuple[int, int, int], dt.date]:
    """(enterprise, obligation, version) → the resubmission deadline of its latest return."""
    found: dict[tuple[int, int, int], tuple[dt.datetime, dt.date]] = {}
    for enterprise, obligation, version_no, resubmit_by, released_at in await fastread.fetch_tuples(
        "SELECT s.enterprise, s.obligation, v.version_no, r.resubmit_by, r.released_at "
        "FROM review r JOIN submission_version v ON r.version = v.id "
        "JOIN submission s ON v.submission = s.id "
        "WHERE r.state = 'released' AND r.decision IN ('return', 'reopen') "
        "AND r.resubmit_by IS NOT NULL AND r.released_at <= {}",
        as_of,
    ):
        day = dt.date.fromisoformat(resubmit_by) if isinstance(resubmit_by, str) else resubmit_by
        released = as_utc(released_at)
        key = (enterprise, obligation, version_no)
        if key not in found or released > found[key][0]:  # type: ignore[operator]
            found[key] = (released, day)  # type: ignore[assignment]
    return {key: day for key, (_, day) in found.items()}


async def due_candidates(as_of: dt.datetime, window_workdays: int) -> list[Candidate]:
    """Every reminder step current at `as_of`, one per reporting cell, across programmes."""
    as_of = as_of.astimezone(dt.UTC)
    enterprises = await visible_enterprises()
    by_id = {e.id: e for e in enterprises}
    groups = await recipients_by_group()
    resubmit = await _resubmit_deadlines(as_of)
    found: list[Candidate] = []
    for programme in await Programme.select(
        Programme.id, Programme.reminder_policy, Programme.reminder_override
    ):
        policy = effective_policy(
            load_json(programme["reminder_policy"]), load_json(programme["reminder_override"])
        )
        columns = await load_columns(programme["id"])
        facts = await load_facts([c.id for c in columns], as_of)
        computer = CellComputer(facts, as_of, window_workdays)
        plans = cell_plan(columns)
        seen: set[tuple[int, int]] = set()
        for enterprise in enterprises:
            for column, covered in plans[enterprise.cohort]:
                owner = by_id.get(enterprise.group_id) if covered else enterprise
                if owner is None or (owner.id, column.id) in seen:
                    continue
                seen.add((owner.id, column.id))
                state = computer.state(owner.id, column)
                deadline = resubmit.get((owner.id, column.id, state.version_no))
                step = due_step(state, as_of, policy, deadline)
                recipients = groups.get(owner.group_id or owner.id, [])
                if step is not None and recipients:
                    found.append(Candidate(owner, column, step, tuple(recipients)))
    return found
