"""The reminder ledger: one row per reminder step and recipient, written exactly once.

`dedupe_key` spells the unique key (enterprise, obligation occurrence and its target date,
kind, offset, returned version, recipient) in one column, so a plain unique constraint holds
it on every engine and `ON CONFLICT DO NOTHING` makes a repeated or concurrent scan a no-op.

A row is about a reporting cell (`obligation` set) or about a 整改台账 finding (`finding` set,
`obligation` empty); a finding's key starts with "finding:", a cell's with its enterprise id,
so the two can never collide."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.accounts import Account, Notification
from backend.db.tables.base import Table
from backend.db.tables.enterprises import Enterprise
from backend.db.tables.programmes import Obligation
from backend.db.tables.rectification import Finding
from backend.rules.reminders import ReminderKind


class ReminderLog(Table, tablename="reminder_log"):
    dedupe_key = Varchar(length=160, unique=True)
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    # the cell's obligation; empty for a finding's reminder (then `finding` is set)
    obligation = ForeignKey(
        references=Obligation, on_delete=OnDelete.restrict, index=True, null=True
    )
    finding = ForeignKey(references=Finding, on_delete=OnDelete.restrict, index=True, null=True)
    recipient = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, choices=ReminderKind)
    step = Integer()  # the offset in working days ("offset" is an SQL keyword)
    target_on = Date()  # the due date or resubmission deadline the step counts from
    fires_on = Date()  # the working day the step fell on
    version_no = Integer(default=0)  # the returned version, for resubmission reminders
    notification = ForeignKey(references=Notification, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # 催报 (kind "chase"): who sent it, their message, and the action it belongs to; one action
    # writes one row per recipient of every cell it chased, all with the same `batch`.
    sent_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")
    batch = Varchar(length=32, default="", index=True)


def dedupe_key(
    enterprise: int,
    obligation: int,
    kind: str,
    step: int,
    target_on: object,
    version_no: int,
    recipient: int,
) -> str:
    return f"{enterprise}:{obligation}:{target_on}:{kind}:{step}:{version_no}:{recipient}"


def finding_key(finding: int, kind: str, step: int, target_on: object, recipient: int) -> str:
    """A finding's step for one recipient; the deadline is in the key, so a finding whose
    deadline SASAC moves is reminded again about the new one."""
    return f"finding:{finding}:{target_on}:{kind}:{step}:{recipient}"


def chase_key(batch: str, enterprise: int, obligation: int, recipient: int) -> str:
    """One 催报 action reaches each recipient of a cell once, however often it is posted."""
    return f"chase:{batch}:{enterprise}:{obligation}:{recipient}"
