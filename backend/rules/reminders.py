"""Which reminder is due for one cell at an instant, as a pure function of its status.

The scan is driven by state, not by the clock hitting a minute: at any instant a cell has at
most one current step — the latest one whose day has come. A scan after downtime therefore
sends that step once, never the stale "10 working days left" it missed, and the ledger's
unique key makes a step happen once however often the scan runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.lib.labels import LabelledEnum
from backend.lib.timeutil import deadline_of, local_date
from backend.rules.cell_status import CellState, Status
from backend.rules.rectification.status import FindingState
from backend.rules.rectification.vocabulary import FindingStatus
from backend.rules.workdays import add_workdays, subtract_workdays, workdays_between


class ReminderKind(LabelledEnum):
    BEFORE_DUE = "before_due", "到期提醒"
    OVERDUE = "overdue", "逾期提醒"
    BEFORE_RESUBMIT = "before_resubmit", "退回修改提醒"
    CHASE = "chase", "催报"  # sent by SASAC staff from the board, never by the scan


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """Working-day offsets; the programme file carries them under "reminders"."""

    before_due: tuple[int, ...] = (10, 5, 1)
    overdue_first: int = 1  # the first working day after the due date
    overdue_every: int = 5  # then every so many working days while still overdue
    before_resubmit: tuple[int, ...] = (2,)

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> ReminderPolicy:
        """The policy from the programme file's "reminders" block (defaults where missing)."""
        if not data:
            return cls()
        default = cls()
        policy = cls(
            before_due=tuple(sorted({int(n) for n in data.get("before_due_workdays", [])}))
            or default.before_due,
            overdue_first=int(data.get("overdue_first_workday", default.overdue_first)),
            overdue_every=int(data.get("overdue_every_workdays", default.overdue_every)),
            before_resubmit=tuple(
                sorted({int(n) for n in data.get("before_resubmit_workdays", [])})
            )
            or default.before_resubmit,
        )
        if min(policy.before_due + policy.before_resubmit) < 1 or policy.overdue_first < 1:
            raise ValueError("提醒的工作日数须为正整数。")
        if policy.overdue_every < 1:
            raise ValueError("逾期后重复提醒的间隔须为正整数个工作日。")
        return policy


@dataclass(frozen=True, slots=True)
class ReminderStep:
    kind: ReminderKind
    offset: int  # working days before the target (before_*) or after the due date (overdue)
    target_on: dt.date  # the due date, or the resubmission deadline
    fires_on: dt.date  # the working day the step falls on
    version_no: int = 0  # the returned version a resubmission reminder is about


def _latest_before(
    kind: ReminderKind, target: dt.date, offsets: tuple[int, ...], today: dt.date, version: int
) -> ReminderStep | None:
    # The smallest offset whose day has come is the latest step; earlier ones are stale.
    for offset in sorted(offsets):
        fires_on = subtract_workdays(target, offset)
        if fires_on <= today:
            return ReminderStep(kind, offset, target, fires_on, version)
    return None


def _overdue_step(due_on: dt.date, today: dt.date, policy: ReminderPolicy) -> ReminderStep | None:
    elapsed = workdays_between(due_on, today)  # working days after the due date, up to today
    if elapsed < policy.overdue_first:
        return None  # overdue since a weekend or holiday: the notice waits for a working day
    repeats = (elapsed - policy.overdue_first) // policy.overdue_every
    offset = policy.overdue_first + repeats * policy.overdue_every
    return ReminderStep(ReminderKind.OVERDUE, offset, due_on, add_workdays(due_on, offset))


def due_step(
    state: CellState,
    as_of: dt.datetime,
    policy: ReminderPolicy,
    resubmit_by: dt.date | None = None,
) -> ReminderStep | None:
    """The one reminder step current for a cell in `state` at `as_of`, or None.

    Nothing is owed once a version is in (submitted, approved) or the cell is exempt; a
    returned version is chased only before its resubmission deadline, if it has one."""
    today = local_date(as_of)
    if state.status in (Status.NOT_DUE, Status.DUE_SOON):
        return _latest_before(ReminderKind.BEFORE_DUE, state.due_on, policy.before_due, today, 0)
    if state.status is Status.OVERDUE:
        return _overdue_step(state.due_on, today, policy)
    if state.status is Status.RETURNED and resubmit_by is not None:
        if as_of > deadline_of(resubmit_by):
            return None
        return _latest_before(
            ReminderKind.BEFORE_RESUBMIT,
            resubmit_by,
            policy.before_resubmit,
            today,
            state.version_no,
        )
    return None


def finding_step(
    state: FindingState, as_of: dt.datetime, policy: ReminderPolicy
) -> ReminderStep | None:
    """The one reminder step current for a 整改台账 finding, with the same steps as a cell:
    before its 整改时限 at the policy's offsets, then overdue on the first working day after
    and every so many working days while it stays overdue.

    Nothing is owed once the enterprise has asked for 销号 (it waits on SASAC then, even if
    the request came late), nor for a closed finding (已销号, 长期坚持中)."""
    if state.pending_request_at is not None:
        return None
    today = local_date(as_of)
    due_on = local_date(state.deadline)
    if state.status in (FindingStatus.NOT_STARTED, FindingStatus.IN_PROGRESS):
        return _latest_before(ReminderKind.BEFORE_DUE, due_on, policy.before_due, today, 0)
    if state.status is FindingStatus.OVERDUE:
        return _overdue_step(due_on, today, policy)
    return None


MAX_OFFSET_WORKDAYS = 60
MAX_STEPS = 5


def effective_policy(
    file_data: dict[str, Any] | None, override: dict[str, Any] | None
) -> ReminderPolicy:
    """The programme file's policy with the 提醒规则 page's override laid over it."""
    return ReminderPolicy.from_data({**(file_data or {}), **(override or {})})


def _number(raw: str, what: str) -> int:
    text = raw.strip().replace("，", ",")
    if not text.isdigit():
        raise ValueError(f"{what}须为 1—{MAX_OFFSET_WORKDAYS} 之间的整数（工作日）。")
    value = int(text)
    if not 1 <= value <= MAX_OFFSET_WORKDAYS:
        raise ValueError(f"{what}须为 1—{MAX_OFFSET_WORKDAYS} 之间的整数（工作日）。")
    return value


def _numbers(raw: str, what: str) -> list[int]:
    parts = [p for p in raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise ValueError(f"{what}至少填写一个工作日数，例如 10,5,1。")
    values = sorted({_number(p, what) for p in parts}, reverse=True)
    if len(values) > MAX_STEPS:
        raise ValueError(f"{what}最多 {MAX_STEPS} 个。")
    return values


def policy_from_form(
    before_due: str, overdue_first: str, overdue_every: str, before_resubmit: str
) -> dict[str, Any]:
    """The override as stored, from the page's fields; ValueError with a Chinese message."""
    return {
        "before_due_workdays": _numbers(before_due, "到期前提醒"),
        "overdue_first_workday": _number(overdue_first, "首次逾期提醒"),
        "overdue_every_workdays": _number(overdue_every, "逾期后重复提醒间隔"),
        "before_resubmit_workdays": _numbers(before_resubmit, "退回修改重新报送前提醒"),
    }


def policy_as_data(policy: ReminderPolicy) -> dict[str, Any]:
    return {
        "before_due_workdays": sorted(policy.before_due, reverse=True),
        "overdue_first_workday": policy.overdue_first,
        "overdue_every_workdays": policy.overdue_every,
        "before_resubmit_workdays": sorted(policy.before_resubmit, reverse=True),
    }
