"""Fictional names, sectors, wording and sample documents for the demonstration data.

No real enterprise is meant; the sample PDFs say so in their text."""

from __future__ import annotations

import io
import json
import random
import re
from typing import Any

# (name without the "（示例）" suffix, short name, sector, area code)
GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("包头市鹿城城市发展投资集团有限公司", "鹿城城投", "城投", "150202"),
    ("包头稀土新材料产业集团有限公司", "稀土新材", "稀土", "150207"),
    ("包头市北方交通投资集团有限公司", "北方交投", "交通", "150203"),
    ("包头市黄河水务集团有限公司", "黄河水务", "水务", "150204"),
    ("包头市阴山热力集团有限公司", "阴山热力", "热力", "150203"),
    ("包头市钢城国有资本运营集团有限公司", "钢城国资", "国资运营", "150202"),
    ("包头市安居保障性住房建设集团有限公司", "安居保障房", "保障房", "150207"),
    ("包头市草原公共交通集团有限公司", "草原公交", "公交", "150203"),
    ("包头市敕勒川文化旅游集团有限公司", "敕勒川文旅", "文旅", "150221"),
    ("包头市九原农牧业发展集团有限公司", "九原农牧", "农牧", "150207"),
    ("包头市供销合作集团有限公司", "包头供销", "供销", "150204"),
    ("包头市鹿鸣融资担保集团有限公司", "鹿鸣担保", "融资担保", "150203"),
    ("包头市北疆能源开发集团有限公司", "北疆能源", "能源", "150206"),
    ("包头市钢都产业投资集团有限公司", "钢都产投", "产业投资", "150204"),
    ("包头市昆仑环境治理集团有限公司", "昆仑环境", "环保", "150203"),
    ("包头市黄河湿地生态建设集团有限公司", "湿地生态", "生态", "150207"),
    ("包头市白云矿业集团有限公司", "白云矿业", "矿业", "150206"),
    ("包头市石门资源开发集团有限公司", "石门资源", "矿业", "150205"),
    ("包头市北辰数字科技集团有限公司", "北辰数科", "数字", "150203"),
    ("包头市金山农业产业化集团有限公司", "金山农业", "农牧", "150222"),
    ("包头市乌兰牧业集团有限公司", "乌兰牧业", "农牧", "150223"),
    ("包头市美岱物流集团有限公司", "美岱物流", "物流", "150221"),
    ("包头市昆河水利建设集团有限公司", "昆河水利", "水务", "150203"),
    ("包头市青山燃气集团有限公司", "青山燃气", "燃气", "150204"),
    ("包头市北梁文化传媒集团有限公司", "北梁传媒", "文旅", "150202"),
    ("包头市东河城市更新集团有限公司", "东河更新", "城投", "150202"),
    ("包头市创新科技投资集团有限公司", "创新科投", "产业投资", "150207"),
    ("包头市鹿丰粮食储备集团有限公司", "鹿丰粮储", "供销", "150207"),
    ("包头市康泰医药健康集团有限公司", "康泰医健", "医药", "150204"),
    ("包头市鹿苑会展服务集团有限公司", "鹿苑会展", "文旅", "150203"),
    ("包头市达茂草原生态旅游集团有限公司", "达茂生态", "生态", "150223"),
    ("包头市固阳城乡建设投资集团有限公司", "固阳城投", "城投", "150222"),
)
AREAS = ("150202", "150203", "150204", "150205", "150206", "150207", "150221", "150222", "150223")

SECTOR_LINES: dict[str, tuple[str, ...]] = {
    "城投": ("置业", "建设工程", "市政养护", "城市运营", "土地整理"),
    "稀土": ("稀土功能材料", "永磁材料", "稀土冶炼", "新材料研究院", "稀土贸易"),
    "交通": ("路桥建设", "公路养护", "交通科技", "智慧停车", "客运枢纽"),
    "水务": ("供水", "排水", "水质检测", "管网工程", "节水科技"),
    "热力": ("供热", "热源", "管网维护", "热力工程", "能源服务"),
    "国资运营": ("资产管理", "股权投资", "产业基金管理", "不动产运营", "咨询"),
    "保障房": ("保障房运营", "租赁住房", "房屋修缮", "住房服务", "建设管理"),
    "公交": ("公交客运", "出租汽车", "汽车维修", "新能源充电", "广告"),
    "文旅": ("景区管理", "文化演艺", "酒店管理", "旅行社", "文创"),
    "农牧": ("种业", "肉羊养殖", "乳业", "农产品加工", "冷链"),
    "供销": ("农资", "商贸", "再生资源", "仓储", "电子商务"),
    "融资担保": ("融资担保", "小额贷款", "融资租赁", "典当", "商业保理"),
}
GENERIC_LINES = ("物业服务", "工程咨询", "人力资源服务", "检验检测", "商贸", "科技", "运营管理")
TIER3_LINES = (
    "物业服务",
    "劳务",
    "园林绿化",
    "检测",
    "设备租赁",
    "信息技术",
    "工程监理",
    "餐饮服务",
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = (
    "海燕",
    "建军",
    "晓东",
    "丽娟",
    "志刚",
    "雅琴",
    "文博",
    "佳怡",
    "国强",
    "俊峰",
    "思远",
    "敏",
    "伟",
    "静",
    "磊",
    "娜",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
)

# Main document name per obligation code; {year} is the due year, {title} the obligation title.
REPORT_NAMES: dict[str, str] = {
    "P1": "关于报送合规管理实施方案的报告",
    "A1a": "关于设立合规管理委员会的报告",
    "A1b": "关于设立合规管理组织机构的报告",
    "A1c": "关于合规管理部门配置情况的报告",
    "A1d": "关于各部门合规管理员配备情况的报告",
    "A2": "关于报送合规管理基本制度的报告",
    "A3": "关于报送合规管理三张清单的报告",
    "A4": "关于合规管理培训开展情况的报告",
    "A5": "关于全级次合规自查整改情况的报告",
    "A6": "合规管理工作年度自查报告",
    "B1": "关于设立合规专员的报告",
    "B2": "关于报送合规管理专门制度的报告",
    "B3": "关于建立常态化合规培训机制的报告",
    "C1": "合规管理三年工作总结报告",
    "C2": "关于合规管理体系运行情况专项检查的报告",
    "R1": "{year}年度党委理论学习中心组合规专题学习情况报告",
    "R2": "{year}年度合规培训计划",
    "R3": "{year}年度规章制度立改废计划",
}
DEFAULT_REPORT_NAME = "关于报送{title}材料的报告"

VERSION_NOTES = ("", "", "请审核。", "材料已经党委会审议，请予审核。", "按要求报送，请审核。")
RESUBMIT_NOTES = (
    "已按退回意见修改完善，请审核。",
    "已补充相关材料。",
    "已按要求加盖公章后重新报送。",
)

RETURN_REMARKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("material_incomplete",), "材料不完整，缺少所属子企业落实情况，请补充后重新报送。"),
    (("not_sealed",), "报送文件缺少盖章页，请加盖公章后重新报送。"),
    (("content_nonconforming",), "实施方案未明确时间表和路线图，请细化后重新报送。"),
    (("content_nonconforming",), "违规风险清单未覆盖投资管理领域，请补充完善。"),
    (("file_unreadable",), "附件无法正常打开，请转换为PDF后重新上传。"),
    (("material_incomplete", "not_sealed"), "缺少党委会审议材料，且正文未盖章，请一并补充。"),
    (("other",), "文件发文日期与报送说明不一致，请核实后重新报送。"),
)
APPROVE_REMARKS: dict[str, tuple[str, ...]] = {
    "excellent": ("材料完整规范，措施具体，可作为示范。", "内容详实，亮点突出。"),
    "good": ("材料齐全，符合要求。", "", "基本符合要求，建议进一步细化责任分工。"),
    "pass": ("基本符合要求，部分内容较为原则，请在后续工作中细化。", "材料较为简略，予以通过。"),
}
EXEMPT_REASONS = (
    "该企业已于{year}年完成重组，不再单独设立合规委员会，相关工作由控股集团统一开展",
    "该企业{year}年已整体划转，本项材料由划入企业统一报送",
    "该企业尚未实际开展经营业务，经研究本项任务暂不适用",
    "该企业已纳入市属国有企业整合范围，本项工作由整合后的集团统一组织",
)
EXTENSION_REASONS = (
    "因企业正在进行改制重组，相关制度需经新一届董事会审议，同意延期至{date}",
    "因主要负责人调整，需重新履行决策程序，同意延期至{date}",
    "自查范围涉及全部所属子企业，工作量较大，同意延期至{date}",
)


def file_names(ob: dict[str, Any], version_no: int, rng: random.Random) -> list[str]:
    """The original names of a version's files: the main report, perhaps an attachment."""
    title = REPORT_NAMES.get(ob["code"], DEFAULT_REPORT_NAME)
    names = [title.format(year=ob["due_year"], title=ob["title"])]
    names[0] += "（修改稿）" if version_no > 1 else ""
    deliverables = ob["deliverables"]
    if isinstance(deliverables, str):
        deliverables = json.loads(deliverables or "[]")
    if deliverables and rng.random() < 0.5:
        names.append("附件：" + re.sub(r"（.*?）", "", rng.choice(deliverables)).strip("《》"))
    return names


# The sections of a sample deliverable: what such a document in the programme usually covers.
_SECTIONS = (
    (
        "一、总体要求",
        "深入贯彻习近平法治思想，落实《中央企业合规管理办法》和市国资委工作方案要求，"
        "坚持党的领导、全面覆盖、权责清晰、务实高效，推动合规管理与经营管理深度融合。",
    ),
    (
        "二、组织领导",
        "党委发挥把方向、管大局、促落实的领导作用；董事会审议合规管理基本制度和年度报告；"
        "主要负责人切实履行合规管理第一责任人职责；合规委员会统筹协调合规管理工作。",
    ),
    (
        "三、主要任务",
        "健全合规管理制度体系，梳理合规风险识别清单、合规风险应对清单和流程管控清单，"
        "将合规审查作为规章制度、经济合同、重大决策和重要项目的必经程序。",
    ),
    (
        "四、运行机制",
        "建立合规风险识别评估预警、合规审查、违规问题整改和违规责任追究机制，"
        "畅通举报渠道，定期开展合规管理有效性评价。",
    ),
    (
        "五、保障措施",
        "加强合规队伍建设和合规培训，将合规管理纳入考核评价，运用信息化手段提升管理效能。",
    ),
)
_DEMO_NOTE = "本文件为合规督导系统演示用虚构材料，不代表任何真实企业或真实公文。"
_ISSUER = "包头市××集团有限公司"  # the usual placeholder of a filled-in template


def _draw_lines(canvas: Any, text: str, x: float, y: float, width: int) -> float:
    """Chinese wraps at any character; ``width`` characters a line at 11 pt on A4."""
    for start in range(0, len(text), width):
        canvas.drawString(x, y, text[start : start + width])
        y -= 18
    return y


def sample_pdf(title: str, key: str, version_no: int) -> bytes:
    """A one-page Chinese PDF that looks like a deliverable (issuer, title, 文号, sections),
    with the built-in CID font STSong-Light: nothing embedded, so each file is a few KB and
    takes milliseconds. The demo note says it is fictional."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    page.setTitle(f"{_ISSUER}{title}")
    page.setAuthor(_ISSUER)
    width, height = A4
    page.setFillColorRGB(0.75, 0.1, 0.1)
    page.setFont("STSong-Light", 22)
    page.drawCentredString(width / 2, height - 90, f"{_ISSUER}文件")
    page.setLineWidth(1.2)
    page.setStrokeColorRGB(0.75, 0.1, 0.1)
    page.line(72, height - 108, width - 72, height - 108)
    page.setFillColorRGB(0, 0, 0)
    page.setFont("STSong-Light", 11)
    year = key.rpartition("-")[2]  # "P1-2023"
    number = 10 + sum(map(ord, key)) % 90 + version_no
    page.drawCentredString(width / 2, height - 128, f"包××发〔{year}〕{number}号")
    page.setFont("STSong-Light", 16)
    y = height - 168
    for start in range(0, len(title), 26):
        page.drawCentredString(width / 2, y, title[start : start + 26])
        y -= 24
    page.setFont("STSong-Light", 11)
    y = _draw_lines(page, "市国资委：", 72, y - 8, 40)
    for heading, body in _SECTIONS:
        page.setFont("STSong-Light", 12)
        y = _draw_lines(page, heading, 72, y - 6, 40)
        page.setFont("STSong-Light", 11)
        y = _draw_lines(page, "　　" + body, 72, y, 40)
    page.drawRightString(width - 72, y - 24, _ISSUER)
    page.setFont("STSong-Light", 9)
    page.setFillColorRGB(0.45, 0.45, 0.45)
    page.drawCentredString(width / 2, 40, _DEMO_NOTE)
    page.showPage()
    page.save()
    return buffer.getvalue()
