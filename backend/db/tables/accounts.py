"""Accounts, the audit trail and in-app notifications."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.base import Table
from backend.db.tables.enterprises import Enterprise
from backend.rules.audit_actions import AuditAction
from backend.rules.messages import NotificationKind
from backend.rules.roles import Role


class Account(Table, tablename="account"):
    username = Varchar(length=60, unique=True)
    display_name = Varchar(length=60, default="")
    email = Varchar(length=254, default="")  # where e-mail copies of messages go (may be empty)
    role = Varchar(length=20, choices=Role)
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, null=True)
    password_hash = Varchar(length=255, default="")
    active = Boolean(default=True)
    must_change_password = Boolean(default=True)
    password_changed_at = Timestamptz(null=True, default=None)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AuditEvent(Table, tablename="audit_event"):
    """Append-only (database triggers refuse UPDATE and DELETE); each row carries the keyed hash
    of the previous one so that edits are detectable. ``key_id`` names the ring key that signed
    it (backend/security/audit_key.py)."""

    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=60, default="")
    enterprise_id = Integer(null=True, index=True)
    ip = Varchar(length=45, default="")
    action = Varchar(length=40, index=True, choices=AuditAction)
    entity = Varchar(length=40, default="")
    entity_id = Varchar(length=40, default="")
    changes = JSON(default="{}")
    prev_hash = Varchar(length=64, default="")
    row_hash = Varchar(length=64, default="")
    key_id = Varchar(length=16, default="")


class Notification(Table, tablename="notification"):
    recipient = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True, index=True)
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, null=True)
    kind = Varchar(length=30, choices=NotificationKind)
    title = Varchar(length=200)
    body = Text(default="")
    link = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
