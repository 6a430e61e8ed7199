"""督促检查 and the 整改台账 (domain.md §3.5, §5.2): inspections with their scope, ratings and
report files; findings (one row per problem) with a dated history of progress, 销号 requests,
closures and returns, each with its evidence files. A finding's status is never stored: it is
derived from the history as of an instant (rules/rectification/status.py)."""

from piccolo.columns import BigInt, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.accounts import Account
from backend.db.tables.base import Table
from backend.db.tables.enterprises import Enterprise
from backend.rules.rectification.vocabulary import (
    FindingEventKind,
    FindingSource,
    InspectionKind,
    RatingDimension,
    RectificationType,
    Severity,
)
from backend.rules.vocabulary import Rating


class Inspection(Table, tablename="inspection"):
    """A 督促检查 or 专项检查 by SASAC, or an enterprise's own 自查 (then `owner` is its group)."""

    kind = Varchar(length=20, choices=InspectionKind)
    name = Varchar(length=200)
    inspection_year = Integer(index=True)
    started_on = Date()
    ended_on = Date()
    team = Text(default="")
    owner = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, null=True)
    created_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class InspectionScope(Table, tablename="inspection_scope"):
    """One enterprise (a group or a subsidiary) the inspection covered."""

    inspection = ForeignKey(references=Inspection, on_delete=OnDelete.restrict, index=True)
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    natural_key = Varchar(length=40, unique=True)  # "<inspection>:<enterprise>"


class InspectionRating(Table, tablename="inspection_rating"):
    """SASAC's rating of one inspected group on one of the four focus areas (五（三）)."""

    inspection = ForeignKey(references=Inspection, on_delete=OnDelete.restrict, index=True)
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    dimension = Varchar(length=20, choices=RatingDimension)
    rating = Varchar(length=10, choices=Rating)
    natural_key = Varchar(length=60, unique=True)  # "<inspection>:<enterprise>:<dimension>"


class InspectionFile(Table, tablename="inspection_file"):
    """A report file of an inspection; the bytes live once per SHA-256 in the file store."""

    inspection = ForeignKey(references=Inspection, on_delete=OnDelete.restrict, index=True)
    sha256 = Varchar(length=64, index=True)
    original_name = Varchar(length=255)
    size_bytes = BigInt(default=0)
    media_type = Varchar(length=100, default="application/octet-stream")
    detected_kind = Varchar(length=20, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Finding(Table, tablename="finding"):
    """One row of the 整改台账 (§5.2 columns)."""

    inspection = ForeignKey(references=Inspection, on_delete=OnDelete.restrict, null=True)
    source = Varchar(length=20, choices=FindingSource)
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    group_id = Integer(index=True)  # the enterprise's group: tenancy without a join
    domain = Varchar(length=40, default="")  # one of the programme's 17 key domains
    key_link = Varchar(length=40, default="")
    description = Text()
    severity = Varchar(length=10, choices=Severity)
    cause = Text(default="")
    measures = Text(default="")
    rectification_type = Varchar(length=12, choices=RectificationType)
    owner_unit = Varchar(length=100, default="")  # 责任单位 / 部门
    owner_name = Varchar(length=50, default="")  # one named owner
    deadline = Date(index=True)
    rules_made = Text(default="")  # 建章立制情况
    accountability = Text(default="")  # 追责问责情况
    remark = Text(default="")
    raised_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    raised_at = Timestamptz(default=TimestamptzNow(), index=True)


class FindingEvent(Table, tablename="finding_event"):
    """A dated entry of a finding's history: progress, a 销号 request, a closure or a return."""

    finding = ForeignKey(references=Finding, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=15, choices=FindingEventKind)
    happened_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")


class FindingFile(Table, tablename="finding_file"):
    """An evidence file (佐证材料) of one history entry."""

    event = ForeignKey(references=FindingEvent, on_delete=OnDelete.restrict, index=True)
    sha256 = Varchar(length=64, index=True)
    original_name = Varchar(length=255)
    size_bytes = BigInt(default=0)
    media_type = Varchar(length=100, default="application/octet-stream")
    detected_kind = Varchar(length=20, default="")
    created_at = Timestamptz(default=TimestamptzNow())
