"""Programmes (工作方案), their dated obligations (节点任务) and reference lists."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.base import Table
from backend.rules.cohorts import AppliesTo


class Programme(Table, tablename="programme"):
    code = Varchar(length=40, unique=True)
    title = Varchar(length=200)
    doc_no = Varchar(length=60, default="")
    issuer = Varchar(length=100, default="")
    issued_on = Date(null=True, default=None)
    period_start = Date()
    period_end = Date()
    phases = JSON(default="[]")
    source_sha256 = Varchar(length=64, default="")
    reminder_policy = JSON(default="{}")  # the file's "reminders" block (rules/reminders.py)
    # Offsets set by sasac_admin on the 提醒规则 page; they win over the file's (empty: none).
    reminder_override = JSON(default="{}")
    loaded_at = Timestamptz(default=TimestamptzNow())


class ReferenceItem(Table, tablename="reference_item"):
    """Reference data of a programme: 重点领域, 重点环节, 重点人员, 重点任务, 三道防线."""

    programme = ForeignKey(references=Programme, on_delete=OnDelete.restrict)
    kind = Varchar(length=30, index=True)
    seq = Integer()
    name = Varchar(length=100)
    group_name = Varchar(length=60, default="")
    clause = Varchar(length=60, default="")
    detail = Text(default="")


class Obligation(Table, tablename="obligation"):
    """One due occurrence of a duty: an annual duty has one row per year, so that a board column,
    a submission and a score line all point at a single row with a single due date."""

    programme = ForeignKey(references=Programme, on_delete=OnDelete.restrict)
    # Unique "<programme code>:<code>:<year>", an engine-neutral composite key for idempotent loads.
    natural_key = Varchar(length=80, unique=True)
    code = Varchar(length=20, index=True)
    title = Varchar(length=200)
    # A few characters under the code in a board column header (P1 实施方案, A6 自查报告).
    short_title = Varchar(length=20, default="")
    description = Text(default="")
    clause = Varchar(length=100, default="")
    phase = Varchar(length=20, default="")
    applies_to = Varchar(length=10, choices=AppliesTo)
    recurrence = Varchar(length=10, default="once")
    due_month_day = Varchar(length=5, default="")
    due_year = Integer(index=True)
    due_on = Date()
    due_note = Text(default="")
    deliverables = JSON(default="[]")
    key_tasks = JSON(default="[]")
    weight = Real(default=0.0)
    weight_group = Varchar(length=20, default="")
    sort_order = Integer(default=0)
    active = Boolean(default=True)
