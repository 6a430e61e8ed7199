"""SASAC's reasoned changes to a year's compliance score (加分 / 扣分)."""

from piccolo.columns import ForeignKey, Integer, Real, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.db.tables.accounts import Account
from backend.db.tables.enterprises import Enterprise


class ScoreAdjustment(Table, tablename="score_adjustment"):
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    score_year = Integer(index=True)
    amount = Real()
    reason = Text()
    created_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
