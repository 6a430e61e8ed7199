"""What enterprises deliver (报送, in versions with files) and SASAC's decisions on it."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.accounts import Account
from backend.db.tables.base import Table
from backend.db.tables.enterprises import Enterprise
from backend.db.tables.programmes import Obligation
from backend.rules.vocabulary import Decision, ExemptionKind, Grade, ReviewState


class Submission(Table, tablename="submission"):
    """One enterprise × one obligation occurrence."""

    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    obligation = ForeignKey(references=Obligation, on_delete=OnDelete.restrict, index=True)
    natural_key = Varchar(length=40, unique=True)  # "<enterprise id>:<obligation id>"
    latest_version = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class SubmissionVersion(Table, tablename="submission_version"):
    submission = ForeignKey(references=Submission, on_delete=OnDelete.restrict, index=True)
    version_no = Integer()
    natural_key = Varchar(length=40, unique=True)  # "<submission id>:<version no>"
    submitted_at = Timestamptz(index=True)
    submitted_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")
    doc_no = Varchar(length=80, default="")  # the enterprise's own 发文字号, normalised
    doc_on = Date(null=True, default=None)
    not_secret_declared = Boolean(default=False)


class SubmissionFile(Table, tablename="submission_file"):
    """A file of a version; the bytes live once per SHA-256 in the file store."""

    version = ForeignKey(references=SubmissionVersion, on_delete=OnDelete.restrict, index=True)
    sha256 = Varchar(length=64, index=True)
    original_name = Varchar(length=255)
    size_bytes = BigInt(default=0)
    media_type = Varchar(length=100, default="application/octet-stream")
    detected_kind = Varchar(length=20, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Review(Table, tablename="review"):
    """SASAC's decision on one version: approve with a grade, return with reasons, or reopen."""

    version = ForeignKey(references=SubmissionVersion, on_delete=OnDelete.restrict, index=True)
    reviewer = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    decision = Varchar(length=10, choices=Decision)
    grade = Varchar(length=10, default="", choices=Grade)  # "" unless approved
    reasons = JSON(default="[]")
    remark = Text(default="")
    resubmit_by = Date(null=True, default=None)
    state = Varchar(length=10, default=ReviewState.RELEASED.value, choices=ReviewState)
    created_at = Timestamptz(default=TimestamptzNow())
    released_at = Timestamptz(null=True, default=None, index=True)


class Exemption(Table, tablename="exemption"):
    """不适用 or 延期 (with a new due date), with a reason."""

    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    obligation = ForeignKey(references=Obligation, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=10, choices=ExemptionKind)
    reason = Text()
    extended_to = Date(null=True, default=None)
    granted_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    granted_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
