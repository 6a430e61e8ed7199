"""The enterprise roster SASAC keeps in Excel: reading, validating and the blank template.

Pure: no database. `read_roster` turns the first sheet into rows; `validate_roster` checks them
against the roster already stored and plans the creates and updates (parents before children)."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

import xlsxwriter
from python_calamine import CalamineWorkbook

from backend.rules.credit_code import credit_code_error, normalize_credit_code

# (key, column name in the header, header text in the template, column width)
COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("name", "企业名称", "企业名称", 40),
    ("credit_code", "统一社会信用代码", "统一社会信用代码", 24),
    ("parent_code", "上级企业统一社会信用代码", "上级企业统一社会信用代码", 28),
    ("tier", "层级", "层级", 8),
    ("upgraded", "提级管理", "提级管理（是/否）", 18),
    ("gc", "总法律顾问", "总法律顾问（是/否）", 20),
)
LABEL = {key: name for key, name, _, _ in COLUMNS}
NAME_MAX = 200
_YES = {"是", "Y", "YES", "1", "TRUE", "√", "✓", "✔", "有"}
_NO = {"否", "N", "NO", "0", "FALSE", "×", "✗", "✘", "无", ""}
_TIERS = {k: i for i, c in enumerate("一二三四五六七八九", start=1) for k in (c, str(i))}
UPDATE_FIELDS = ("name", "parent_code", "tier", "upgraded_mgmt", "has_general_counsel", "active")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_BRACKETED = re.compile(r"[(（][^)）]*[)）]")


class RosterError(ValueError):
    """The file as a whole cannot be read as a roster (the message is for the user)."""


class RosterRow(TypedDict):
    row: int  # the Excel row number (1-based)
    name: str
    credit_code: str
    parent_code: str  # "" for a top-level enterprise
    tier: int | None  # None when blank or unreadable
    upgraded: bool
    gc: bool
    problems: list[tuple[str, str]]  # (column, message) found while reading the values


class ExistingEnterprise(NamedTuple):
    id: int
    name: str
    parent_code: str | None
    tier: int
    upgraded: bool
    gc: bool
    active: bool


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行“{self.column}”：{self.message}"


@dataclass(frozen=True, slots=True)
class PlannedCreate:
    row: int
    credit_code: str
    name: str
    parent_code: str | None
    tier: int
    upgraded: bool
    gc: bool


@dataclass(frozen=True, slots=True)
class PlannedUpdate:
    row: int
    credit_code: str
    id: int
    changes: dict[str, Any]  # only the changed fields, keyed as in UPDATE_FIELDS


@dataclass(slots=True)
class RosterPlan:
    creates: list[PlannedCreate] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).translate(_INVISIBLE).strip()


def _header_key(value: Any) -> str:
    return "".join(_BRACKETED.sub("", _text(value)).replace("*", "").split())


def _yes_no(raw: str, key: str, problems: list[tuple[str, str]]) -> bool:
    word = unicodedata.normalize("NFKC", raw).upper().strip()
    if word in _YES or word in _NO:
        return word in _YES
    problems.append((LABEL[key], f"应填写“是”或“否”，当前为“{raw}”"))
    return False


def _tier(raw: str, problems: list[tuple[str, str]]) -> int | None:
    word = unicodedata.normalize("NFKC", raw).strip().removeprefix("第").removesuffix("级")
    if not word:
        return None
    if word in _TIERS:
        return _TIERS[word]
    problems.append((LABEL["tier"], f"应填写 1、2、3 或 一级、二级、三级，当前为“{raw}”"))
    return None


def _header(cells: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row's index, and the column index of each roster field."""
    wanted = {name: key for key, name, _, _ in COLUMNS}
    for at, line in enumerate(cells):
        names = [_header_key(v) for v in line]
        if LABEL["name"] not in names or LABEL["credit_code"] not in names:
            continue
        where: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in wanted and where.setdefault(wanted[name], index) != index:
                raise RosterError(f"表头第 {at + 1} 行有两列“{name}”，请只保留一列")
        if missing := [name for key, name, _, _ in COLUMNS if key not in where]:
            raise RosterError(f"表头缺少列：{'、'.join(missing)}")
        return at, where
    raise RosterError(f"未找到表头行：第一张工作表应包含列 {'、'.join(LABEL.values())}")


def read_roster(data: bytes) -> list[RosterRow]:
    """Rows of the first sheet below its header row (with Excel row numbers), empty rows skipped."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells: list[list[Any]] = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise RosterError("无法读取文件：请上传 Excel 工作簿（.xlsx）") from exc
    header_at, where = _header(cells)
    rows: list[RosterRow] = []
    for number, line in enumerate(cells[header_at + 1 :], start=header_at + 2):
        raw = {k: _text(line[i]) if i < len(line) else "" for k, i in where.items()}
        if not any(raw.values()):
            continue
        problems: list[tuple[str, str]] = []
        rows.append(
            RosterRow(
                row=number,
                name=raw["name"],
                credit_code=normalize_credit_code(raw["credit_code"]),
                parent_code=normalize_credit_code(raw["parent_code"]),
                tier=_tier(raw["tier"], problems),
                upgraded=_yes_no(raw["upgraded"], "upgraded", problems),
                gc=_yes_no(raw["gc"], "gc", problems),
                problems=problems,
            )
        )
    return rows


def validate_roster(rows: list[RosterRow], existing: dict[str, ExistingEnterprise]) -> RosterPlan:
    """Check every row; plan creates and updates (changed fields only), parents first."""
    plan = RosterPlan()
    errors = plan.errors
    accepted: dict[str, RosterRow] = {}

    def fail(r: RosterRow, key: str, message: str) -> None:
        errors.append(RowError(r["row"], LABEL[key], message))

    for r in rows:
        errors.extend(RowError(r["row"], column, message) for column, message in r["problems"])
        if not r["name"]:
            fail(r, "name", "请填写企业名称")
        elif len(r["name"]) > NAME_MAX:
            fail(r, "name", f"企业名称不能超过 {NAME_MAX} 个字，当前为 {len(r['name'])} 个字")
        code = r["credit_code"]
        if problem := credit_code_error(code):
            fail(r, "credit_code", problem)
        elif code in accepted:
            first = accepted[code]["row"]
            fail(r, "credit_code", f"“{code}”与第 {first} 行重复，同一企业只能填写一行")
        else:
            accepted[code] = r

    parent_of: dict[str, str | None] = {c: e.parent_code for c, e in existing.items()}
    for code, r in accepted.items():
        parent, problem = r["parent_code"] or None, None
        if parent is not None:
            if problem := credit_code_error(parent):
                pass
            elif parent == code:
                problem = "上级企业不能是本企业自身"
            elif parent not in accepted and parent not in existing:
                problem = f"上级企业“{parent}”既不在本表中，也不在系统已有企业中"
            if r["upgraded"]:
                fail(r, "upgraded", "提级管理企业应为市属一级企业，不能填写上级企业")
        if problem:
            fail(r, "parent_code", problem)
            parent_of.pop(code, None)  # its depth, and its subtree's, cannot be known
        else:
            parent_of[code] = parent

    def name_of(code: str) -> str:
        return accepted[code]["name"] if code in accepted else existing[code].name

    depth: dict[str, int | None] = {}
    for code, r in accepted.items():
        chain: list[str] = []
        current: str | None = code
        while current is not None and current not in chain and current in parent_of:
            chain.append(current)
            current = parent_of[current]
        if chain and current == code:
            message = "上级关系形成循环：" + " → ".join(name_of(c) for c in [*chain, code])
            fail(r, "parent_code", message)
        depth[code] = len(chain) if current is None else None
        expected, tier = depth[code], r["tier"]
        unreadable = any(column == LABEL["tier"] for column, _ in r["problems"])
        if expected is None or tier == expected or unreadable:
            continue
        if tier is None:
            message = f"请填写层级，本企业应为“{expected}”"
        elif r["parent_code"]:
            message = f"上级企业为 {expected - 1} 级，本企业层级应为“{expected}”，当前为“{tier}”"
        else:
            message = f"未填写上级企业的为一级企业，层级应为“1”，当前为“{tier}”"
        fail(r, "tier", message)
    errors.sort(key=lambda e: e.row)
    if errors:
        return plan

    for code, r in sorted(accepted.items(), key=lambda item: (depth[item[0]] or 0, item[1]["row"])):
        parent, tier = r["parent_code"] or None, depth[code] or 1
        old = existing.get(code)
        if old is None:
            plan.creates.append(
                PlannedCreate(r["row"], code, r["name"], parent, tier, r["upgraded"], r["gc"])
            )
            continue
        new = (r["name"], parent, tier, r["upgraded"], r["gc"], True)
        before = (old.name, old.parent_code, old.tier, old.upgraded, old.gc, old.active)
        changes = {k: v for k, v, was in zip(UPDATE_FIELDS, new, before, strict=True) if v != was}
        if changes:
            plan.updates.append(PlannedUpdate(r["row"], code, old.id, changes))
        else:
            plan.unchanged += 1
    return plan


_NOTES = (
    ("企业名称", "必填，不超过 200 个字，填写营业执照上的全称。"),
    ("统一社会信用代码", "必填，18 位，按营业执照填写；系统按此代码新增或更新企业，不会删除企业。"),
    ("上级企业统一社会信用代码", "市属一级企业留空；子企业填写直接上级企业的代码。"),
    ("层级", "1、2、3（或 一级、二级、三级）：一级企业为 1，其子企业为 2，依此类推。"),
    ("提级管理（是/否）", "提级管理企业填“是”，只能是一级企业（上级企业留空）；留空视为“否”。"),
    ("总法律顾问（是/否）", "已设立总法律顾问填“是”；留空视为“否”。"),
    ("导入规则", "任一行有错误时整个文件都不导入，请按提示逐行修改后重新导入。"),
)


def roster_template() -> bytes:
    """An empty roster workbook with the header row, input lists and instructions."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("企业名录")
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    text = book.add_format({"num_format": "@"})
    last = 5000
    for col, (key, _, title, width) in enumerate(COLUMNS):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, width, text if key.endswith("code") else None)
    sheet.freeze_panes(1, 0)
    sheet.data_validation(1, 3, last, 3, {"validate": "list", "source": ["1", "2", "3"]})
    sheet.data_validation(1, 4, last, 5, {"validate": "list", "source": ["是", "否"]})
    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 26)
    notes.set_column(1, 1, 80)
    notes.write_row(0, 0, ["列", "填写说明"], header)
    for row, (column, note) in enumerate(_NOTES, start=1):
        notes.write_row(row, 0, [column, note])
    book.close()
    return buffer.getvalue()
