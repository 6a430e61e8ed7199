"""All Piccolo tables. Names stay lower-case ASCII, ≤ 30 characters and free of reserved words,
so that the schema ports to PostgreSQL-compatible domestic databases (达梦、人大金仓、openGauss)."""

from backend.db.tables.accounts import Account, AuditEvent, Notification
from backend.db.tables.enterprises import Enterprise
from backend.db.tables.lists import ListExemption, ListNode, ListPost, ListRisk, ListVersion
from backend.db.tables.mail import DigestLog, JobRun, MailOutbox
from backend.db.tables.programmes import Obligation, Programme, ReferenceItem
from backend.db.tables.reminders import ReminderLog
from backend.db.tables.scores import (
    EffectivenessRating,
    ExportJob,
    ScoreAdjustment,
    ScoreLock,
)
from backend.db.tables.security import (
    ApiToken,
    AppSetting,
    MfaFactor,
    MfaRecoveryCode,
    PasswordHistory,
    WebSession,
)
from backend.db.tables.submissions import (
    Exemption,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)

ALL_TABLES = (
    Enterprise,
    Account,
    Programme,
    ReferenceItem,
    Obligation,
    Submission,
    SubmissionVersion,
    SubmissionFile,
    Review,
    Exemption,
    ScoreAdjustment,
    AuditEvent,
    Notification,
    WebSession,
    ApiToken,
    PasswordHistory,
    AppSetting,
    EffectivenessRating,
    ScoreLock,
    ExportJob,
    ListVersion,
    ListRisk,
    ListPost,
    ListNode,
    ListExemption,
    MfaFactor,
    MfaRecoveryCode,
    ReminderLog,
    MailOutbox,
    DigestLog,
    JobRun,
)

__all__ = [
    "ALL_TABLES",
    "Account",
    "ApiToken",
    "AppSetting",
    "AuditEvent",
    "DigestLog",
    "EffectivenessRating",
    "Enterprise",
    "Exemption",
    "ExportJob",
    "JobRun",
    "ListExemption",
    "ListNode",
    "ListPost",
    "ListRisk",
    "ListVersion",
    "MailOutbox",
    "MfaFactor",
    "MfaRecoveryCode",
    "Notification",
    "Obligation",
    "PasswordHistory",
    "Programme",
    "ReferenceItem",
    "ReminderLog",
    "Review",
    "ScoreAdjustment",
    "ScoreLock",
    "Submission",
    "SubmissionFile",
    "SubmissionVersion",
    "WebSession",
]
