"""Turn the cells of a filled workbook into the three lists, checking every row and column.

All errors come back at once, each naming sheet, Excel row and column in Chinese; a caller
stores nothing unless the list of errors is empty. Pure: the caller reads the file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from backend.rules.lists.columns import (
    COLUMNS,
    EXAMPLE_MARK,
    INFO_FIELDS,
    NO,
    YES,
    Column,
    Kind,
    choices,
)
from backend.rules.lists.model import (
    Exemption,
    ListInfo,
    ListSet,
    PositionItem,
    ProcessItem,
    ReviewMatter,
    RiskItem,
    RiskLevel,
    Sheet,
    Vocabulary,
    derived_level,
)

MAX_ROWS = 20_000  # per sheet: far above any real list, low enough to refuse a runaway file
MAX_TEXT = 2_000
_SPLIT = re.compile(r"[、,，;；/\s]+")
_YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "有"}
_NO = {"否", "N", "NO", "FALSE", "0", "×", "无"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class CellError:
    sheet: str  # the sheet's Chinese name
    row: int  # Excel row number (1 = header)
    column: str  # the column header, "" for the whole row or sheet
    message: str


@dataclass
class Parsed:
    lists: ListSet
    errors: list[CellError] = field(default_factory=list)


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).translate(_INVISIBLE).strip()


class _Row:
    """One sheet row being read: values by column key, problems collected as they are found."""

    def __init__(self, sheet: Sheet, number: int, raw: dict[str, Any], errors: list[CellError]):
        self.sheet, self.number, self.raw, self.errors = sheet, number, raw, errors

    def fail(self, column: Column, message: str) -> None:
        self.errors.append(CellError(self.sheet.label, self.number, column.header, message))

    def value(self, column: Column, vocab: Vocabulary) -> Any:
        raw = self.raw.get(column.key)
        text = text_of(raw)
        if not text:
            if column.required:
                self.fail(column, f"“{column.header}”必填。")
            return _empty(column.kind)
        if len(text) > MAX_TEXT:
            self.fail(column, f"内容过长（不超过 {MAX_TEXT} 字）。")
            return _empty(column.kind)
        kind = column.kind
        if kind is Kind.TEXT:
            return text
        if kind in (Kind.SEQ, Kind.INT, Kind.SCALE):
            return self._number(column, raw, text)
        if kind is Kind.YES_NO:
            if text.upper() in _YES:
                return True
            if text.upper() in _NO:
                return False
            self.fail(column, f"应填“{YES}”或“{NO}”，而不是“{text}”。")
            return False
        if kind is Kind.DATE:
            return self._date(column, raw, text)
        allowed = choices(column.choices, vocab) if column.choices else ()
        if kind is Kind.CHOICE:
            if text not in allowed:
                self.fail(column, f"“{text}”不是可选值，应为：{'、'.join(allowed)}。")
                return ""
            return text
        parts = [p for p in _SPLIT.split(text) if p]
        if kind is Kind.MULTI:
            bad = [p for p in parts if p not in allowed]
            if bad:
                self.fail(column, f"“{'、'.join(bad)}”不是可选值，应为：{'、'.join(allowed)}。")
            return tuple(dict.fromkeys(p for p in parts if p in allowed))
        refs = []
        for part in parts:  # Kind.REFS
            if not part.isdigit() or int(part) < 1:
                self.fail(column, f"“{part}”不是违规风险清单的序号（应为正整数，以“、”分隔）。")
            else:
                refs.append(int(part))
        return tuple(dict.fromkeys(refs))

    def _number(self, column: Column, raw: Any, text: str) -> int | None:
        number = _int(raw, text)
        if number is None or number < (1 if column.kind is not Kind.INT else 0):
            self.fail(
                column,
                f"应为{'正' if column.kind is not Kind.INT else '非负'}整数，而不是“{text}”。",
            )
            return None
        if column.kind is Kind.SCALE and number > 5:
            self.fail(column, f"应为 1—5 的整数，而不是“{text}”。")
            return None
        return number

    def _date(self, column: Column, raw: Any, text: str) -> dt.date | None:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        match = _DATE.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
        self.fail(column, f"日期“{text}”无法识别，请填写如 2023-12-25。")
        return None


def _empty(kind: Kind) -> Any:
    if kind in (Kind.MULTI, Kind.REFS):
        return ()
    if kind is Kind.YES_NO:
        return False
    if kind is Kind.TEXT or kind is Kind.CHOICE:
        return ""
    return None


def _int(raw: Any, text: str) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    return int(text) if text.isdigit() else None


def _rows(
    sheet: Sheet, cells: list[list[Any]] | None, errors: list[CellError]
) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, raw values by key) below the header, blank and example rows skipped."""
    columns = COLUMNS[sheet]
    if cells is None:
        errors.append(CellError(sheet.label, 1, "", f"缺少工作表“{sheet.label}”，请使用系统模板。"))
        return []
    header_at = next(
        (i for i, line in enumerate(cells[:10]) if columns[0].header in map(_header, line)), None
    )
    if header_at is None:
        errors.append(CellError(sheet.label, 1, "", "找不到表头行，请使用系统模板，勿改动表头。"))
        return []
    headers = [_header(c) for c in cells[header_at]]
    where: dict[str, int] = {}
    for column in columns:
        if column.header in headers:
            where[column.key] = headers.index(column.header)
        elif column.required:
            errors.append(
                CellError(sheet.label, header_at + 1, column.header, "缺少此列，请使用系统模板。")
            )
    found = []
    for number, line in enumerate(cells[header_at + 1 :], start=header_at + 2):
        raw = {k: line[i] if i < len(line) else None for k, i in where.items()}
        first = text_of(line[0]) if line else ""
        if first.startswith(EXAMPLE_MARK) or not any(text_of(v) for v in raw.values()):
            continue
        found.append((number, raw))
    if len(found) > MAX_ROWS:
        errors.append(CellError(sheet.label, 1, "", f"数据行过多（不超过 {MAX_ROWS:,} 行）。"))
        return []
    return found


def _header(value: Any) -> str:
    return re.sub(r"[\s*＊]", "", text_of(value))


def _read(sheet: Sheet, cells: Any, vocab: Vocabulary, errors: list[CellError]) -> list[Any]:
    items: list[Any] = []
    seen: dict[int, int] = {}
    for number, raw in _rows(sheet, cells, errors):
        row = _Row(sheet, number, raw, errors)
        values = {c.key: row.value(c, vocab) for c in COLUMNS[sheet] if c.key in raw or c.required}
        seq = values.get("seq")
        if seq is not None and sheet is not Sheet.EXEMPT:
            if seq in seen:
                row.fail(COLUMNS[sheet][0], f"序号 {seq} 与第 {seen[seq]} 行重复。")
            seen.setdefault(seq, number)
        items.append((number, values))
    return items


def _risk(number: int, v: dict[str, Any]) -> RiskItem:
    likelihood, impact = v.get("likelihood") or 1, v.get("impact") or 1
    level_label = v.get("level") or ""
    level = next((lv for lv in RiskLevel if lv.label == level_label), None)
    return RiskItem(
        row=number,
        seq=v.get("seq") or 0,
        domain=v["domain"],
        activity=v["activity"],
        risk_point=v["risk_point"],
        description=v.get("description", ""),
        basis=v.get("basis", ""),
        consequences=v.get("consequences", ()),
        likelihood=likelihood,
        impact=impact,
        level=level or derived_level(likelihood, impact),
        measures=v.get("measures", ""),
        plan=v.get("plan", ""),
        dept=v.get("dept", ""),
        position=v.get("position", ""),
        link=v.get("link", ""),
        alert=v.get("alert", False),
        scope=v.get("scope", ""),
        updated_on=v.get("updated_on"),
    )


def _info(cells: list[list[Any]] | None, vocab: Vocabulary, errors: list[CellError]) -> ListInfo:
    if cells is None:
        errors.append(CellError(Sheet.INFO.label, 1, "", f"缺少工作表“{Sheet.INFO.label}”。"))
        return ListInfo()
    lines = {_header(line[0]): (n, line) for n, line in enumerate(cells, start=1) if line}
    values: dict[str, Any] = {}
    for field_ in INFO_FIELDS:
        number, line = lines.get(field_.header, (1, []))
        if field_.header not in lines:
            errors.append(CellError(Sheet.INFO.label, 1, "项目", f"缺少“{field_.header}”一行。"))
            continue
        row = _Row(Sheet.INFO, number, {field_.key: line[1] if len(line) > 1 else None}, errors)
        before = len(errors)
        values[field_.key] = row.value(field_, vocab)
        for i in range(before, len(errors)):  # the value sits in column 内容
            message = errors[i].message
            if field_.header not in message:
                message = f"{field_.header}：{message}"
            errors[i] = CellError(Sheet.INFO.label, number, "内容", message)
    return ListInfo(**values)


def parse_workbook(sheets: dict[str, list[list[Any]]], vocab: Vocabulary) -> Parsed:
    """`sheets`: cell values by sheet name, as python-calamine reads them."""
    errors: list[CellError] = []
    info = _info(sheets.get(Sheet.INFO.label), vocab, errors)
    read = {s: _read(s, sheets.get(s.label), vocab, errors) for s in COLUMNS}
    risks = [_risk(n, v) for n, v in read[Sheet.RISK]]
    positions = [
        PositionItem(row=n, **{k: val for k, val in v.items() if k != "seq"}, seq=v["seq"] or 0)
        for n, v in read[Sheet.POSITION]
    ]
    processes = []
    for n, v in read[Sheet.PROCESS]:
        matter = next((m for m in ReviewMatter if m.label == v.get("review_matter")), None)
        fields = {k: val for k, val in v.items() if k not in ("seq", "review_matter")}
        processes.append(ProcessItem(row=n, seq=v["seq"] or 0, review_matter=matter, **fields))
    exemptions = [Exemption(n, v["domain"], v.get("reason", "")) for n, v in read[Sheet.EXEMPT]]
    if not risks and not any(e.sheet == Sheet.RISK.label for e in errors):
        errors.append(CellError(Sheet.RISK.label, 2, "", "违规风险清单没有数据行。"))
    lists = ListSet(info, tuple(risks), tuple(positions), tuple(processes), tuple(exemptions))
    return Parsed(lists, errors)
