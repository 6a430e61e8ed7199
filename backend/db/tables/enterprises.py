"""The roster of municipal SOEs and their subsidiaries."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.base import Table


class Enterprise(Table, tablename="enterprise"):
    name = Varchar(length=200)
    short_name = Varchar(length=60, default="")
    credit_code = Varchar(length=18, unique=True, index=True)
    parent: ForeignKey["Enterprise"] = ForeignKey(
        references="self", on_delete=OnDelete.restrict, null=True
    )
    # The top-level group this enterprise belongs to (its own id for a group): scoping by group
    # is the most frequent filter, so it is stored rather than walked up each time.
    group_id = Integer(null=True, index=True)
    # Materialised path of ids, e.g. "/3/41/", so a subtree is one LIKE query on any engine.
    path = Varchar(length=255, default="", index=True)
    tier = Integer(default=1)
    upgraded_mgmt = Boolean(default=False)
    has_general_counsel = Boolean(default=False)
    contact_name = Varchar(length=60, default="")
    contact_phone = Varchar(length=40, default="")
    contact_email = Varchar(length=120, default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
