"""E-mail delivery and background-job bookkeeping: the outbox, the reviewers' daily digest
ledger, and the last run of each scheduled job (read by the 后台任务 page)."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.accounts import Account, Notification
from backend.db.tables.base import Table
from backend.rules.messages import JobOutcome, NotificationKind, OutboxStatus


class MailOutbox(Table, tablename="mail_outbox"):
    """One e-mail per row, written in the transaction of its in-app message; the sender claims
    a row by a conditional update (status pending → sending), so two workers never both send."""

    notification = ForeignKey(references=Notification, on_delete=OnDelete.restrict, null=True)
    recipient = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    to_address = Varchar(length=254)
    kind = Varchar(length=30, choices=NotificationKind)
    subject = Varchar(length=300)
    body = Text(default="")
    status = Varchar(length=10, choices=OutboxStatus, default=OutboxStatus.PENDING, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    claimed_at = Timestamptz(null=True, default=None)
    claim_token = Varchar(length=40, default="")
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")  # in Chinese, as the 发送记录 page shows it
    created_at = Timestamptz(default=TimestamptzNow())


class DigestLog(Table, tablename="digest_log"):
    """One row per reviewer and day: the unique key makes the 09:00 digest happen once."""

    dedupe_key = Varchar(length=80, unique=True)
    recipient = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    digest_on = Date()
    notification = ForeignKey(references=Notification, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class JobRun(Table, tablename="job_run"):
    """The latest run of each scheduled job, one row per job (works with or without Redis)."""

    job = Varchar(length=60, unique=True)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=10, choices=JobOutcome, default=JobOutcome.RUNNING)
    summary = Text(default="")
    runs = Integer(default=0)
    failures = Integer(default=0)
    last_failed_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
