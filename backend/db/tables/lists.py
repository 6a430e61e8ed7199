"""三张清单 as data: one version header per upload, with its items in four line tables.

A new upload is a new version; older versions are kept. Column names avoid words reserved in
SQL or in domestic databases (position, level, domain, plan …)."""

from piccolo.columns import (
    JSON,
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


class ListVersion(Table, tablename="list_version"):
    enterprise = ForeignKey(references=Enterprise, on_delete=OnDelete.restrict, index=True)
    version_no = Integer()
    natural_key = Varchar(length=40, unique=True)  # "<enterprise id>:<version no>"
    approved_by = Varchar(length=100, default="")
    approved_on = Date(null=True, default=None)
    effective_from = Date(null=True, default=None)
    has_overseas = Boolean(default=False)
    source_sha256 = Varchar(length=64, default="")
    source_name = Varchar(length=255, default="")
    uploaded_by = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=True)
    uploaded_at = Timestamptz(default=TimestamptzNow(), index=True)
    risk_count = Integer(default=0)
    post_count = Integer(default=0)
    node_count = Integer(default=0)
    # The six checks as run at upload: [{"code", "result", "detail", "rows": [[sheet, row]]}].
    checks = JSON(default="[]")
    worst = Varchar(length=10, default="")  # pass | warn | fail


class ListRisk(Table, tablename="list_risk"):
    version = ForeignKey(references=ListVersion, on_delete=OnDelete.restrict, index=True)
    row_no = Integer()
    seq = Integer()
    focus_domain = Varchar(length=40, index=True)
    activity = Text(default="")
    risk_point = Text(default="")
    description = Text(default="")
    basis = Text(default="")
    consequences = JSON(default="[]")
    likelihood = Integer(default=1)
    impact = Integer(default=1)
    risk_level = Varchar(length=10, index=True)  # high | medium | low
    measures = Text(default="")
    response_plan = Text(default="")
    dept = Varchar(length=200, default="")
    post_name = Varchar(length=200, default="")
    key_link = Varchar(length=20, default="")
    needs_alert = Boolean(default=False)
    scope_text = Varchar(length=200, default="")
    updated_on = Date(null=True, default=None)


class ListPost(Table, tablename="list_post"):
    """One line of the 重点岗位合规职责清单."""

    version = ForeignKey(references=ListVersion, on_delete=OnDelete.restrict, index=True)
    row_no = Integer()
    seq = Integer()
    dept = Varchar(length=200, default="")
    post_name = Varchar(length=200, default="")
    category = Varchar(length=20, default="")
    duties = Text(default="")
    domains = JSON(default="[]")
    risk_refs = JSON(default="[]")
    compliance_duties = Text(default="")
    red_lines = Text(default="")
    basis = Text(default="")
    headcount = Integer(null=True, default=None)
    updated_on = Date(null=True, default=None)


class ListNode(Table, tablename="list_node"):
    """One line of the 重点流程节点清单."""

    version = ForeignKey(references=ListVersion, on_delete=OnDelete.restrict, index=True)
    row_no = Integer()
    seq = Integer()
    key_link = Varchar(length=20, default="")
    process_name = Text(default="")
    node = Text(default="")
    key_matter = Text(default="")
    risk_refs = JSON(default="[]")
    controls = Text(default="")
    review_required = Boolean(default=False)
    review_matter = Varchar(length=20, default="")  # rules | decisions | contracts | investment
    owner_dept = Varchar(length=200, default="")
    exec_dept = Varchar(length=200, default="")
    supervise_dept = Varchar(length=200, default="")
    output_text = Text(default="")
    in_system = Boolean(default=False)
    updated_on = Date(null=True, default=None)


class ListExemption(Table, tablename="list_exemption"):
    """A domain the enterprise marked 不适用, with its reason."""

    version = ForeignKey(references=ListVersion, on_delete=OnDelete.restrict, index=True)
    row_no = Integer()
    focus_domain = Varchar(length=40)
    reason = Text(default="")
