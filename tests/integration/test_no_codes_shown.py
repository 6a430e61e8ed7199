"""No coded value reaches a user: the demo (made by the demo generator) is walked as each demo
role, every menu page and the pages one link below them, and the exported sheets are read back;
none of the enum values' internal names (approved_late, sasac_admin, …) may appear as a word in
the text a user reads (text nodes, title and placeholder attributes, sheet cells)."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from litestar import Litestar
from python_calamine import CalamineWorkbook

from backend.bootstrap import seed
from backend.db.tables import Submission
from backend.domain.accounts.service import create_account
from backend.domain.demo.accounts import DEMO_PASSWORD
from backend.domain.exports.service import KINDS, build_file, parse_params
from backend.domain.reviews.service import decide, grant_exemption, review_queue
from backend.lib.labels import LabelledEnum
from backend.rules.cell_status import Status
from backend.rules.vocabulary import (
    Decision,
    ExemptionKind,
    Grade,
    Rating,
    ReturnReason,
    ReviewState,
)
from backend.security.actions import AuditAction
from backend.security.audit import Actor
from backend.security.policy import Role
from backend.settings import get_settings
from tests.conftest import client_for
from tests.fixtures import csrf_token

VOCABULARY: tuple[type[LabelledEnum], ...] = (
    Decision, Grade, Rating, ReturnReason, ReviewState, ExemptionKind, Status, Role, AuditAction,
)  # fmt: skip
CODES = sorted({m.value for enum in VOCABULARY for m in enum if m.value})
CODE_WORD = re.compile(r"(?<![A-Za-z0-9_./-])(" + "|".join(CODES) + r")(?![A-Za-z0-9_])")
SKIP = ("/logout", "/schema", "/static", "/api/", "download", "preview", ".xlsx", "/login")
PER_PAGE_LINKS = 6  # detail pages followed from each menu page


class _Visible(HTMLParser):
    """The text a reader sees: text nodes outside script/style, and title/placeholder."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data)


# Login names are what people typed, not codes; the demo's auditor is called "auditor".
USERNAMES = {"auditor"}


def leaks(text: str) -> set[str]:
    return set(CODE_WORD.findall(text)) - USERNAMES


def _local(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.netloc or not parts.path.startswith("/") or any(s in href for s in SKIP):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
async def demo(app: Litestar) -> Litestar:
    """The demo, plus audited changes that carry codes (a role, a return with its reasons, a
    draft, an exemption), so that the audit log has something to translate."""
    await seed(get_settings(), demo=True)
    actor = Actor(None, "测试")
    await create_account(actor, username="tester", role="sasac_reviewer", display_name="测试")
    waiting = (await review_queue(page_size=5))["rows"]
    assert len(waiting) >= 3
    returned = ["material_incomplete", "not_sealed"]
    await decide(waiting[0]["submission_id"], decision="return", reasons=returned, actor=actor,
                 release=True)  # fmt: skip
    await decide(waiting[1]["submission_id"], decision="approve", grade="good", actor=actor,
                 release=False)  # fmt: skip
    await grant_exemption(
        waiting[2]["enterprise_id"], waiting[2]["obligation_id"], "无此业务", actor
    )
    return app


async def _sign_in(client: httpx.AsyncClient, username: str) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token, "next": "/"},
    )
    assert response.status_code == 303, (username, response.text[:300])


def test_the_pattern_finds_codes_as_words() -> None:
    assert leaks("状态：approved_late；角色 sasac_admin") == {"approved_late", "sasac_admin"}
    assert leaks("审核：return（退回修改）") == {"return"}
    assert not leaks("逾期通过 file-approved.pdf 审核人 reviewer2")


async def test_no_page_shows_a_code(demo: Litestar) -> None:
    submission = await Submission.select(Submission.enterprise, Submission.obligation).first()
    cell = "/board/cell?enterprise_id={enterprise}&obligation_id={obligation}".format(**submission)
    found: dict[str, set[str]] = {}
    visited = 0
    for username in ("admin", "reviewer", "leader", "auditor", "qiye_admin", "qiye_user"):
        async with client_for(demo) as client:
            await _sign_in(client, username)
            home = await client.get("/", follow_redirects=True)
            menu = _Visible()
            menu.feed(home.text)
            pages = list(dict.fromkeys([str(home.url.raw_path.decode())]
                                       + [p for p in map(_local, menu.links) if p]))  # fmt: skip
            if username in ("admin", "reviewer", "leader"):
                pages.append(cell)
            seen: set[str] = set()
            queue = [(p, True) for p in pages]
            while queue:
                path, follow = queue.pop(0)
                if path in seen:
                    continue
                seen.add(path)
                response = await client.get(path)
                assert response.status_code < 500, (username, path)
                if response.status_code != 200 or "html" not in response.headers["content-type"]:
                    continue
                visited += 1
                page = _Visible()
                page.feed(response.text)
                if bad := leaks("\n".join(page.parts)):
                    found[f"{username} {path}"] = bad
                if follow:
                    below = [p for p in map(_local, page.links) if p and p not in seen]
                    queue.extend((p, False) for p in below[:PER_PAGE_LINKS])
    assert visited > 40
    assert found == {}


async def test_no_sheet_shows_a_code(demo: Litestar, tmp_path: Path) -> None:
    found: dict[str, set[str]] = {}
    for kind in KINDS:
        year = "2024" if kind == "assessment" else ""
        params = parse_params(kind, {"year": year, "as_of": dt.date.today().isoformat()})
        path = tmp_path / f"{kind}.xlsx"
        assert await build_file(kind, params, path) > 0
        if kind.endswith("_docx"):  # the 通报 as a Word document
            found.update(_docx_leaks(kind, path.read_bytes()))
            continue
        found.update(_sheet_leaks(kind, path.read_bytes()))
    async with client_for(demo) as client:
        await _sign_in(client, "auditor")
        log = await client.get("/audit/export.xlsx")
        assert log.status_code == 200
        found.update(_sheet_leaks("audit", log.content))
    assert found == {}


def _docx_leaks(name: str, data: bytes) -> dict[str, set[str]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert len(text) > 200
    bad = leaks(text)
    return {name: bad} if bad else {}


def _sheet_leaks(name: str, data: bytes) -> dict[str, set[str]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    found = {}
    for sheet_name in book.sheet_names:
        rows = book.get_sheet_by_name(sheet_name).to_python()
        text = "\n".join(str(cell) for row in rows for cell in row if isinstance(cell, str))
        if bad := leaks(text + "\n" + sheet_name):
            found[f"{name}:{sheet_name}"] = bad
    return found
