"""The columns of each sheet (domain.md §4.1–§4.3): header, kind of value, whether required, and
the note the template shows. The template writer and the importer both read this one table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from backend.rules.lists.model import Consequence, ReviewMatter, RiskLevel, Sheet, Vocabulary


class Kind(Enum):
    SEQ = "seq"  # 序号: a positive integer, unique in the sheet
    TEXT = "text"
    INT = "int"
    SCALE = "scale"  # 1–5
    YES_NO = "yes_no"
    DATE = "date"
    CHOICE = "choice"  # one of `choices`
    MULTI = "multi"  # several of `choices`, separated by 、
    REFS = "refs"  # 序号 of the 违规风险清单, separated by 、


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: str = ""  # "domains", "domains+other", "links", "personnel", "levels", …
    width: int = 16
    note: str = ""


RISK_COLUMNS = (
    Column("seq", "序号", Kind.SEQ, True, width=8),
    Column("domain", "重点领域", Kind.CHOICE, True, "domains+other", 14),
    Column("activity", "业务事项/管理活动", Kind.TEXT, True, width=20),
    Column("risk_point", "风险点", Kind.TEXT, True, width=20),
    Column("description", "违规行为表现", width=30),
    Column("basis", "合规依据", width=30, note="法律法规或内部制度名称及条款，可注明文号"),
    Column("consequences", "可能后果", Kind.MULTI, False, "consequences", 20, "可多选，以“、”分隔"),
    Column("likelihood", "发生可能性", Kind.SCALE, True, width=10, note="1—5"),
    Column("impact", "影响程度", Kind.SCALE, True, width=10, note="1—5"),
    Column("level", "风险等级", Kind.CHOICE, False, "levels", 10, "不填则按可能性×影响程度计算"),
    Column("measures", "防控措施", width=30, note="高风险必填"),
    Column("plan", "应对预案", width=20),
    Column("dept", "责任部门", width=14, note="高风险必填"),
    Column("position", "责任岗位", width=14),
    Column("link", "涉及重点环节", Kind.CHOICE, False, "links", 14),
    Column("alert", "是否需预警", Kind.YES_NO, width=10),
    Column("scope", "适用范围", width=14, note="本级或子企业名称"),
    Column("updated_on", "更新日期", Kind.DATE, width=12),
)

POSITION_COLUMNS = (
    Column("seq", "序号", Kind.SEQ, True, width=8),
    Column("dept", "部门", Kind.TEXT, True, width=14),
    Column("position", "岗位名称", Kind.TEXT, True, width=16),
    Column("category", "重点人员类别", Kind.CHOICE, True, "personnel", 16),
    Column("duties", "岗位基本职责", width=30),
    Column("domains", "涉及重点领域", Kind.MULTI, False, "domains", 20, "可多选，以“、”分隔"),
    Column("risk_refs", "合规风险点", Kind.REFS, width=14, note="填违规风险清单的序号，以“、”分隔"),
    Column("compliance_duties", "岗位合规职责", Kind.TEXT, True, width=30),
    Column("red_lines", "禁止性要求", width=24),
    Column("basis", "合规依据", width=24),
    Column("headcount", "在岗人数", Kind.INT, width=10),
    Column("updated_on", "更新日期", Kind.DATE, width=12),
)

PROCESS_COLUMNS = (
    Column("seq", "序号", Kind.SEQ, True, width=8),
    Column("link", "重点环节", Kind.CHOICE, True, "links", 14),
    Column("process", "业务流程", Kind.TEXT, True, width=20),
    Column("node", "流程节点", Kind.TEXT, True, width=20),
    Column("key_matter", "关键事项", width=20),
    Column("risk_refs", "关联风险点", Kind.REFS, width=14, note="填违规风险清单的序号，以“、”分隔"),
    Column("controls", "管控措施", width=30),
    Column("review_required", "合规审查必经节点", Kind.YES_NO, True, width=12),
    Column(
        "review_matter", "审查事项类别", Kind.CHOICE, False, "matters", 16, "四（四）18 所列事项"
    ),
    Column("owner_dept", "主责部门", width=14),
    Column("exec_dept", "执行部门（岗位）", width=16),
    Column("supervise_dept", "监督部门", width=14),
    Column("output", "工作成果（留痕材料）", width=20),
    Column("in_system", "已嵌入信息系统", Kind.YES_NO, width=12),
    Column("updated_on", "更新日期", Kind.DATE, width=12),
)

EXEMPT_COLUMNS = (
    Column("domain", "重点领域", Kind.CHOICE, True, "domains", 16),
    Column("reason", "不适用理由", Kind.TEXT, False, width=50, note="域外业务在无境外业务时可不填"),
)

# The 基本信息 sheet is two columns, 项目 and 内容, one line per field.
INFO_FIELDS = (
    Column("approved_by", "审定机构", Kind.TEXT, True, note="如：合规委员会、党委会、董事会"),
    Column("approved_on", "审定日期", Kind.DATE, True),
    Column("effective_from", "施行日期", Kind.DATE, True),
    Column("has_overseas", "是否有境外业务", Kind.YES_NO, True),
)

COLUMNS: dict[Sheet, tuple[Column, ...]] = {
    Sheet.RISK: RISK_COLUMNS,
    Sheet.POSITION: POSITION_COLUMNS,
    Sheet.PROCESS: PROCESS_COLUMNS,
    Sheet.EXEMPT: EXEMPT_COLUMNS,
}
YES, NO = "是", "否"
EXAMPLE_MARK = "示例"  # a row whose first cell starts with it is the template's example


def choices(name: str, vocab: Vocabulary) -> tuple[str, ...]:
    return {
        "domains": vocab.domains,
        "domains+other": vocab.domain_choices,
        "links": vocab.links,
        "personnel": vocab.personnel,
        "levels": tuple(level.label for level in RiskLevel),
        "consequences": tuple(c.label for c in Consequence),
        "matters": tuple(m.label for m in ReviewMatter),
    }[name]
