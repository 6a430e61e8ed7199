from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-01T06:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit actions 锁定得分 / 解除得分锁定 join the action choices; no SQL change"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
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
                    "SCORE_LOCK": "score_lock",
                    "SCORE_UNLOCK": "score_unlock",
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
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
