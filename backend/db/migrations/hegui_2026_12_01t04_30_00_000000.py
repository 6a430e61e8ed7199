from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-01T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "choices= for the coded columns (labels live in the enums); no SQL change"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hegui", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Account",
        tablename="account",
        column_name="role",
        db_column_name="role",
        params={
            "choices": Enum(
                "Role",
                {
                    "SASAC_ADMIN": "sasac_admin",
                    "SASAC_REVIEWER": "sasac_reviewer",
                    "SASAC_LEADER": "sasac_leader",
                    "ENTERPRISE_ADMIN": "enterprise_admin",
                    "ENTERPRISE_USER": "enterprise_user",
                    "AUDITOR": "auditor",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Obligation",
        tablename="obligation",
        column_name="applies_to",
        db_column_name="applies_to",
        params={
            "choices": Enum(
                "AppliesTo",
                {
                    "ALL": "ALL",
                    "T1": "T1",
                    "UPG7": "UPG7",
                    "GRP_SUBS": "GRP_SUBS",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Review",
        tablename="review",
        column_name="decision",
        db_column_name="decision",
        params={
            "choices": Enum(
                "Decision",
                {"APPROVE": "approve", "RETURN": "return", "REOPEN": "reopen"},
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Review",
        tablename="review",
        column_name="grade",
        db_column_name="grade",
        params={
            "choices": Enum(
                "Grade",
                {"EXCELLENT": "excellent", "GOOD": "good", "PASS": "pass"},
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Review",
        tablename="review",
        column_name="state",
        db_column_name="state",
        params={
            "choices": Enum(
                "ReviewState", {"DRAFT": "draft", "RELEASED": "released"}
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Exemption",
        tablename="exemption",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "ExemptionKind", {"EXEMPT": "exempt", "EXTENSION": "extension"}
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
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
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="EffectivenessRating",
        tablename="effectiveness_rating",
        column_name="rating",
        db_column_name="rating",
        params={
            "choices": Enum(
                "Rating",
                {
                    "EXCELLENT": "excellent",
                    "GOOD": "good",
                    "PASS": "pass",
                    "FAIL": "fail",
                    "UNRATED": "",
                },
            )
        },
        old_params={"choices": None},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
