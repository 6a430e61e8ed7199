from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Account(Table, tablename="account", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-01T07:06:34:231240"
VERSION = "1.38.0"
DESCRIPTION = "催报 in the reminder ledger (sent_by, note, batch; kind chase) and the chase audit action"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="ReminderLog",
        tablename="reminder_log",
        column_name="batch",
        db_column_name="batch",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 32,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ReminderLog",
        tablename="reminder_log",
        column_name="note",
        db_column_name="note",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="ReminderLog",
        tablename="reminder_log",
        column_name="sent_by",
        db_column_name="sent_by",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Account,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="AuditEvent",
        tablename="audit_event",
        column_name="action",
        db_column_name="action",
        params={
            "choices": Enum(
                "AuditAction",
                {
                    "LOGIN": "login",
                    "LOGIN_FAILED": "login_failed",
                    "LOCKOUT": "lockout",
                    "UNLOCK": "unlock",
                    "LOGOUT": "logout",
                    "PASSWORD_CHANGE": "password_change",
                    "PASSWORD_RESET": "password_reset",
                    "USER_CREATE": "user_create",
                    "USER_UPDATE": "user_update",
                    "USER_DISABLE": "user_disable",
                    "USER_ENABLE": "user_enable",
                    "TOKEN_CREATE": "token_create",
                    "TOKEN_REVOKE": "token_revoke",
                    "TOKEN_BREAK_GLASS": "token_break_glass",
                    "MFA_ENROL": "mfa_enrol",
                    "MFA_RESET": "mfa_reset",
                    "MFA_RECOVERY_USED": "mfa_recovery_used",
                    "ENTERPRISE_CREATE": "enterprise_create",
                    "ENTERPRISE_UPDATE": "enterprise_update",
                    "ENTERPRISE_DEACTIVATE": "enterprise_deactivate",
                    "ENTERPRISE_IMPORT": "enterprise_import",
                    "SUBMISSION_CREATE": "submission_create",
                    "REVIEW": "review",
                    "EXEMPTION": "exemption",
                    "EXPORT": "export",
                    "FILE_DOWNLOAD": "file_download",
                    "UPLOAD_REFUSED": "upload_refused",
                    "AUDIT_EXPORT": "audit_export",
                    "SCORE_ADJUST": "score_adjust",
                    "AUDIT_VIEW": "audit_view",
                    "AUDIT_HEAD_EXPORT": "audit_head_export",
                    "AUDIT_HEAD_CHECK": "audit_head_check",
                    "AUDIT_KEY_ROTATE": "audit_key_rotate",
                    "AUDIT_REANCHOR": "audit_reanchor",
                    "CSRF_FAILED": "csrf_failed",
                    "ACCESS_DENIED": "access_denied",
                    "LISTS_IMPORT": "lists_import",
                    "EMAIL_CHANGE": "email_change",
                    "MAIL_RETRY": "mail_retry",
                    "REMINDER_POLICY": "reminder_policy",
                    "INSPECTION_CREATE": "inspection_create",
                    "FINDING_RAISE": "finding_raise",
                    "FINDING_PROGRESS": "finding_progress",
                    "FINDING_CLOSE_REQUEST": "finding_close_request",
                    "FINDING_CLOSE": "finding_close",
                    "FINDING_REJECT": "finding_reject",
                    "FINDING_IMPORT": "finding_import",
                    "RATING_OVERRIDE": "rating_override",
                    "CHASE": "chase",
                },
            )
        },
        old_params={
            "choices": Enum(
                "AuditAction",
                {
                    "LOGIN": "login",
                    "LOGIN_FAILED": "login_failed",
                    "LOCKOUT": "lockout",
                    "UNLOCK": "unlock",
                    "LOGOUT": "logout",
                    "PASSWORD_CHANGE": "password_change",
                    "PASSWORD_RESET": "password_reset",
                    "USER_CREATE": "user_create",
                    "USER_UPDATE": "user_update",
                    "USER_DISABLE": "user_disable",
                    "USER_ENABLE": "user_enable",
                    "TOKEN_CREATE": "token_create",
                    "TOKEN_REVOKE": "token_revoke",
                    "TOKEN_BREAK_GLASS": "token_break_glass",
                    "MFA_ENROL": "mfa_enrol",
                    "MFA_RESET": "mfa_reset",
                    "MFA_RECOVERY_USED": "mfa_recovery_used",
                    "ENTERPRISE_CREATE": "enterprise_create",
                    "ENTERPRISE_UPDATE": "enterprise_update",
                    "ENTERPRISE_DEACTIVATE": "enterprise_deactivate",
                    "ENTERPRISE_IMPORT": "enterprise_import",
                    "SUBMISSION_CREATE": "submission_create",
                    "REVIEW": "review",
                    "EXEMPTION": "exemption",
                    "EXPORT": "export",
                    "FILE_DOWNLOAD": "file_download",
                    "UPLOAD_REFUSED": "upload_refused",
                    "AUDIT_EXPORT": "audit_export",
                    "SCORE_ADJUST": "score_adjust",
                    "AUDIT_VIEW": "audit_view",
                    "AUDIT_HEAD_EXPORT": "audit_head_export",
                    "AUDIT_HEAD_CHECK": "audit_head_check",
                    "AUDIT_KEY_ROTATE": "audit_key_rotate",
                    "AUDIT_REANCHOR": "audit_reanchor",
                    "CSRF_FAILED": "csrf_failed",
                    "ACCESS_DENIED": "access_denied",
                    "LISTS_IMPORT": "lists_import",
                    "EMAIL_CHANGE": "email_change",
                    "MAIL_RETRY": "mail_retry",
                    "REMINDER_POLICY": "reminder_policy",
                    "INSPECTION_CREATE": "inspection_create",
                    "FINDING_RAISE": "finding_raise",
                    "FINDING_PROGRESS": "finding_progress",
                    "FINDING_CLOSE_REQUEST": "finding_close_request",
                    "FINDING_CLOSE": "finding_close",
                    "FINDING_REJECT": "finding_reject",
                    "FINDING_IMPORT": "finding_import",
                    "RATING_OVERRIDE": "rating_override",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="ReminderLog",
        tablename="reminder_log",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "ReminderKind",
                {
                    "BEFORE_DUE": "before_due",
                    "OVERDUE": "overdue",
                    "BEFORE_RESUBMIT": "before_resubmit",
                    "CHASE": "chase",
                },
            )
        },
        old_params={
            "choices": Enum(
                "ReminderKind",
                {
                    "BEFORE_DUE": "before_due",
                    "OVERDUE": "overdue",
                    "BEFORE_RESUBMIT": "before_resubmit",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
