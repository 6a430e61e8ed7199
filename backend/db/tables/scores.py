"""Scoring: SASAC's reasoned adjustments (加分 / 扣分), effectiveness ratings, locks, exports."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, Real, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.accounts import Account
from backend.db.tables.base import Table
from backend.db.tables.enterprises import Enterprise
from backend.db.tables.programmes import Programme
from backend.rules.vocabulary import Rating


class ScoreAdjustment(Table, tablename="score_adjustment"):
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    score_year = Integer(index=True)
    amount = Real()
    reason = Text()
    created_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)


class EffectivenessRating(Table, tablename="effectiveness_rating"):
    """SASAC's hand rating of one dimension (组织建设、制度建设、运行机制、合规有效性): since the
    整改台账, the rating comes from the year's latest 督促检查, and a row here overrides it, with
    the reason."""

    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    score_year = Integer(index=True)
    dimension = Varchar(length=20)  # organisation | rules | mechanism | effectiveness
    rating = Varchar(length=10, choices=Rating)  # a row only once rated
    natural_key = Varchar(length=40, unique=True)  # "<enterprise>:<year>:<dimension>"
    rated_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    rated_at = Timestamptz(default=TimestamptzNow())
    reason = Text(default="")


class ScoreLock(Table, tablename="score_lock"):
    """A year's scores frozen as they stood: locked scores no longer move when data changes."""

    programme = ForeignKey(references=Programme, on_delete=OnDelete.restrict)
    score_year = Integer(index=True)
    as_of = Date()
    snapshot = JSON(default="[]")
    locked_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    locked_at = Timestamptz(default=TimestamptzNow())
    unlocked_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    unlocked_at = Timestamptz(null=True, default=None)


class ExportJob(Table, tablename="export_job"):
    """A background export: progress for the page, the finished file for the download link."""

    kind = Varchar(length=30)  # assessment | board
    params = JSON(default="{}")
    status = Varchar(length=10, default="queued")  # queued | running | done | failed
    progress = Integer(default=0)
    total = Integer(default=0)
    requested_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    file_sha256 = Varchar(length=64, default="")
    file_name = Varchar(length=120, default="")
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    # Jobs can die with their worker: each run beats a heartbeat and the job has a deadline, so a
    # stale one is retried or failed instead of showing 生成中 forever (see exports/staleness).
    attempts = Integer(default=0)
    heartbeat_at = Timestamptz(null=True, default=None)
    deadline_at = Timestamptz(null=True, default=None)
