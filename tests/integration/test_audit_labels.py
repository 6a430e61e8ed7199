"""操作日志 in Chinese: every key any ``record(...)`` call can write has a Chinese label in
rules/audit_fields.py (found by walking the source), every action has one, and the page and the
xlsx of a demo with real events show no identifier-like key, code or table name."""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import re
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from python_calamine import CalamineWorkbook

from backend.bootstrap import seed
from backend.db.tables import Account, Enterprise
from backend.domain.accounts.service import create_account, reset_password
from backend.domain.accounts.tokens import create_token
from backend.domain.reviews.service import decide, grant_exemption, review_queue
from backend.domain.scores.changes import lock_year
from backend.rules import audit_fields
from backend.security.actions import AuditAction, AuditEntity
from backend.security.audit import Actor, record
from backend.settings import get_settings
from tests.conftest import client_for
from tests.fixtures import csrf_token

BACKEND = Path(__file__).resolve().parents[2] / "backend"
STRUCTURE = {"from", "to"}  # {"from": old, "to": new} pairs


def _functions() -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for path in BACKEND.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, []).append(node)
    return found


FUNCTIONS = _functions()
MODULE_DICTS = {
    target.id: node.value
    for path in BACKEND.rglob("*.py")
    if "migrations" not in path.parts
    for node in ast.parse(path.read_text(encoding="utf-8")).body
    if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict)
    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
    if isinstance(target, ast.Name)
}


def _called(node: ast.expr) -> str:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _keys_of(expr: ast.expr | None, scope: ast.AST, depth: int = 0) -> set[str]:
    """Constant keys a dict-valued expression can carry, following names and helper calls."""
    if expr is None or depth > 10:
        return set()
    keys: set[str] = set()
    if isinstance(expr, ast.Await):
        return _keys_of(expr.value, scope, depth)
    if isinstance(expr, ast.Dict):
        for key, value in zip(expr.keys, expr.values, strict=True):
            if key is None:  # **other
                keys |= _keys_of(value, scope, depth + 1)
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
                if isinstance(value, ast.Dict | ast.Name):  # nested groups (ratings, filters)
                    keys |= _keys_of(value, scope, depth + 1)
    elif isinstance(expr, ast.DictComp):
        for generator in expr.generators:
            keys |= _keys_of(generator.iter, scope, depth + 1)
            for tup in ast.walk(generator.iter):
                if isinstance(tup, ast.Tuple) and tup.elts:
                    first = tup.elts[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        keys.add(first.value)
    elif isinstance(expr, ast.Attribute | ast.Call) and _called(expr) == "items":
        keys |= _keys_of(expr.func.value, scope, depth + 1)  # type: ignore[attr-defined]
    elif isinstance(expr, ast.IfExp):
        keys |= _keys_of(expr.body, scope, depth + 1) | _keys_of(expr.orelse, scope, depth + 1)
    elif isinstance(expr, ast.Name):
        keys |= _name_keys(expr.id, scope, depth + 1)
        if not keys and expr.id in MODULE_DICTS:
            keys |= _keys_of(MODULE_DICTS[expr.id], scope, depth + 1)
    elif isinstance(expr, ast.Call) and (name := _called(expr)) in FUNCTIONS:
        for function in FUNCTIONS[name]:
            for node in ast.walk(function):
                if isinstance(node, ast.Return):
                    keys |= _keys_of(node.value, function, depth + 1)
    return keys


def _name_keys(name: str, scope: ast.AST, depth: int) -> set[str]:
    keys: set[str] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    keys |= _keys_of(node.value, scope, depth)
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                    and isinstance(target.slice, ast.Constant)
                ):
                    keys.add(str(target.slice.value))
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                    and isinstance(target.slice, ast.Name)
                ):  # values[key] = … in `for key, _ in TABLE.items()`
                    for loop in ast.walk(scope):
                        if isinstance(loop, ast.For) and target.slice.id in {
                            n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)
                        }:
                            keys |= _keys_of(loop.iter, scope, depth + 1)
    return keys


def recorded_keys() -> dict[str, set[str]]:
    """action name (or "?") → keys its ``record``/``audit_refusal`` calls can write."""
    found: dict[str, set[str]] = {}
    for functions in FUNCTIONS.values():
        for function in functions:
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and _called(node) == "record"):
                    continue
                action = node.args[0] if node.args else None
                name = action.attr if isinstance(action, ast.Attribute) else "?"
                changes = next((k.value for k in node.keywords if k.arg == "changes"), None)
                found.setdefault(name, set()).update(_keys_of(changes, function) - STRUCTURE)
    return found


def test_the_walk_finds_the_keys_it_must() -> None:
    keys = recorded_keys()
    assert {"decision", "grade", "reasons", "discarded_drafts", "drafted_by"} <= keys["REVIEW"]
    assert {"failed_logins", "reason"} <= keys["LOGIN_FAILED"]
    assert {"credit_code", "contact_email", "parent"} <= keys["ENTERPRISE_UPDATE"]
    assert {"display_name", "role", "enterprise"} <= keys["USER_UPDATE"]
    assert {"as_of", "year", "kind"} <= keys["EXPORT"]
    assert "ratings" in set().union(*keys.values())
    assert {"SCORE_LOCK", "SCORE_UNLOCK"} <= set(keys)


def test_every_recorded_key_and_action_has_a_chinese_label() -> None:
    missing = {
        (action, key)
        for action, keys in recorded_keys().items()
        for key in keys
        if audit_fields.field_of(key, getattr(AuditAction, action, "")) is None
    }
    assert missing == set()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for vocabulary in (AuditAction, AuditEntity):
        assert all(cjk.search(m.label) for m in vocabulary), vocabulary
    for spec in audit_fields.FIELDS.values():
        assert cjk.search(spec.label) and all(cjk.search(v) for v in spec.values.values())
    entities = {
        k.value.value
        for fn in FUNCTIONS.values()
        for f in fn
        for node in ast.walk(f)
        if isinstance(node, ast.Call) and _called(node) == "record"
        for k in node.keywords
        if k.arg == "entity" and isinstance(k.value, ast.Constant)
    }
    assert entities - set(AuditEntity.labels()) == set()
    # ratings are keyed by the rubric's dimensions, which are data
    for rubric in (BACKEND.parent / "seed" / "rubrics").glob("*.json"):
        dimensions = json.loads(rubric.read_text(encoding="utf-8"))["effectiveness"]["dimensions"]
        assert {k: audit_fields.DIMENSIONS.get(k) for k in dimensions} == dimensions


def test_a_return_reads_in_chinese_with_names() -> None:
    text = audit_fields.describe(
        {
            "decision": "return",
            "reasons": ["material_incomplete", "file_unreadable"],
            "resubmit_by": "2025-04-07",
            "drafted_by": 7,
            "review_id": 3,
            "ratings": {"rules": {"from": "", "to": "good"}},
        },
        AuditAction.REVIEW,
        {("account", 7): "reviewer（王审核）"},
    )
    assert text == (
        "审核决定：退回修改；退回原因：材料不全、文件无法打开；重新报送期限：2025年4月7日；"
        "草稿审核人：reviewer（王审核）；有效性评价：（制度建设：（空） → 良）"
    )
    failed = audit_fields.describe({"failed_logins": 3, "reason": "wrong_password"})
    assert failed == "原因：密码错误；连续失败次数：3 次"


# Words a reader may meet in a row that are not keys: IPs, file names, user names.
IDENTIFIER = re.compile(r"(?<![\w.@-])[A-Za-z_][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w.@-])")
KNOWN_KEYS = set(audit_fields.FIELDS) | {m.value for m in AuditAction} | set(AuditEntity.labels())
KEY_WORD = re.compile(r"(?<![\w./@-])(" + "|".join(sorted(KNOWN_KEYS, key=len, reverse=True))
                      + r")(?![\w./@-])")  # fmt: skip


@pytest.fixture
async def demo_log(app: Litestar) -> Litestar:
    """The demo, plus events of every common kind: a return with reasons, a draft, an exemption,
    a created account, a reset password, a token, a failed sign-in, a locked year."""
    await seed(get_settings(), demo=True)
    actor = Actor(None, "测试")
    await create_account(actor, username="tester", role="sasac_reviewer", display_name="测试")
    waiting = (await review_queue(page_size=5))["rows"]
    returned = ["material_incomplete", "file_unreadable"]
    first, second, third, *_ = waiting
    await decide(first["submission_id"], decision="return", reasons=returned, actor=actor,
                 release=True)  # fmt: skip
    await decide(second["submission_id"], decision="approve", grade="good", actor=actor,
                 release=False)  # fmt: skip
    await grant_exemption(third["enterprise_id"], third["obligation_id"], "无此业务", actor)
    tester = await Account.select(Account.id).where(Account.username == "reviewer").first()
    await create_token(actor, tester["id"], "对接系统")
    await reset_password(actor, tester["id"])
    await lock_year(2024, dt.date(2025, 3, 31), actor)
    group = await Enterprise.select(Enterprise.id).first()
    await record(AuditAction.ENTERPRISE_UPDATE, actor, entity="enterprise", entity_id=group["id"],
                 enterprise_id=group["id"],
                 changes={"upgraded_mgmt": {"from": False, "to": True}})  # fmt: skip
    return app


async def _sign_in(client: httpx.AsyncClient, username: str, password: str) -> int:
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": token, "next": "/"},
    )
    return response.status_code


def _leaks(text: str, usernames: set[str]) -> set[str]:
    for name in sorted(usernames, key=len, reverse=True):
        text = text.replace(name, "")
    return set(IDENTIFIER.findall(text)) | set(KEY_WORD.findall(text))


async def test_the_demo_log_reads_in_chinese(demo_log: Litestar) -> None:
    from backend.domain.demo.accounts import DEMO_PASSWORD

    usernames = {r["username"] for r in await Account.select(Account.username)}
    async with client_for(demo_log) as client:
        assert await _sign_in(client, "admin", "wrong-password") == 401
        assert await _sign_in(client, "auditor", DEMO_PASSWORD) == 303
        page = await client.get("/audit", params={"page": 1})
        assert page.status_code == 200
        book = await client.get("/audit/export.xlsx")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page.text, re.S)
    text = "\n".join(re.sub(r"<[^>]+>", "", c) for c in cells)
    assert "审核决定：退回修改；退回原因：材料不全、文件无法打开" in text
    assert "原因：密码错误；连续失败次数：1 次" in text
    assert "锁定得分" in text and "得分锁定 2024年度" in text
    assert "提级管理：否 → 是" in text
    assert _leaks(text, usernames) == set()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(book.content)).get_sheet_by_index(0)
    sheet = "\n".join(str(c) for row in rows.to_python() for c in row if isinstance(c, str))
    assert "报送材料 " in sheet and "接口令牌 对接系统" in sheet
    assert "令牌名称：对接系统" in sheet and "同时吊销的接口令牌：1 个" in sheet
    assert _leaks(sheet, usernames) == set()
