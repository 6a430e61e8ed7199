# ruff: noqa: E501 — Chinese sentences and sample rows read better unbroken.
"""The words of the template: the instructions sheet and one example row per sheet."""

from __future__ import annotations

from typing import Any

from backend.rules.lists.columns import EXAMPLE_MARK, NO, YES
from backend.rules.lists.model import Sheet

EXAMPLE = f"{EXAMPLE_MARK}（导入时忽略）"

EXAMPLES: dict[Sheet, dict[str, Any]] = {
    Sheet.RISK: {
        "seq": EXAMPLE, "domain": "投资管理", "activity": "对外股权投资", "risk_point": "未履行决策程序",
        "description": "未经集体决策擅自实施重大投资", "basis": "《中央企业投资监督管理办法》第十条",
        "consequences": "经济损失、声誉损失", "likelihood": 3, "impact": 5, "level": "高",
        "measures": "投资项目经“三重一大”集体决策并经合规审查", "plan": "启动投资风险应急预案",
        "dept": "投资发展部", "position": "投资管理岗", "link": "经营决策", "alert": YES,
        "scope": "本级", "updated_on": "2023-12-25",
    },
    Sheet.POSITION: {
        "seq": EXAMPLE, "dept": "投资发展部", "position": "投资管理岗", "category": "重要风险岗位人员",
        "duties": "组织投资项目论证", "domains": "投资管理", "risk_refs": "1、2",
        "compliance_duties": "审核投资项目决策程序的完备性", "red_lines": "不得拆分项目规避决策",
        "basis": "公司投资管理办法", "headcount": 3, "updated_on": "2023-12-25",
    },
    Sheet.PROCESS: {
        "seq": EXAMPLE, "link": "经营决策", "process": "重大投资决策", "node": "合规审查",
        "key_matter": "投资方案", "risk_refs": "1", "controls": "法务合规部出具合规审查意见",
        "review_required": YES, "review_matter": "重大项目投资运营", "owner_dept": "投资发展部",
        "exec_dept": "投资管理岗", "supervise_dept": "审计部", "output": "合规审查意见书",
        "in_system": NO, "updated_on": "2023-12-25",
    },
    Sheet.EXEMPT: {"domain": f"{EXAMPLE_MARK}：域外业务", "reason": "本企业无境外业务（示例，导入时忽略）"},
}  # fmt: skip

INSTRUCTIONS = (
    "三张清单填报说明",
    "",
    "1. 本工作簿包括“基本信息”“违规风险清单”“重点岗位合规职责清单”“重点流程节点清单”“不适用领域”五张工作表，请勿改动工作表名称和表头。",
    "2. 表头带 * 的列为必填；带下拉框的列请从下拉框中选择。可多选的列（可能后果、涉及重点领域）以“、”分隔。",
    "3. “合规风险点”“关联风险点”填写违规风险清单的序号，多个以“、”分隔，所填序号须在违规风险清单中存在。",
    "4. 17 个重点领域（包国资发〔2023〕120号 三）均应有风险事项；确不涉及的，在“不适用领域”表说明理由。无境外业务的企业，“域外业务”可不填理由。",
    "5. 重点流程节点清单应覆盖制度制定、经营决策、生产运营管理三个重点环节；规章制度制定、重大事项决策、重要合同签订、重大项目投资运营（四（四）18）须设合规审查必经节点。",
    "6. 高风险事项须填写防控措施和责任部门；风险等级不填时按“发生可能性×影响程度”计算（≥15 高，≥8 中，其余低）。",
    "7. 每张表第 2 行为示例（序号列标有“示例”），导入时忽略，可保留或删除。",
    "8. 上传后系统逐行校验，所有错误一次列出（工作表、行、列）；全部无误才保存为新版本。",
)
