"""Domain errors are mapped once (backend/web/errors.py): each kind gets its status code and its
Chinese message, as JSON on /api, as a fragment for htmx and as a full page otherwise."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar, get
from litestar.params import FromPath

from backend.domain import errors
from backend.security.policy import Access

KINDS = {
    "invalid": (errors.Invalid, 400, "年度应为整数"),
    "not-found": (errors.NotFound, 404, "未找到该企业"),
    "conflict": (errors.Conflict, 409, "该项已审核通过"),
    "forbidden": (errors.Forbidden, 403, "只有导出人可以下载"),
    "too-large": (errors.TooLarge, 413, "上传内容超过 5 MB"),
    "unavailable": (errors.Unavailable, 503, "导出服务暂时不可用"),
}


def _raiser(kind: str) -> None:
    cls, _, text = KINDS[kind]
    raise cls(text + "。")


@get(["/api/v1/_test/{kind:str}", "/_test/{kind:str}"], opt={"access": Access.PUBLIC})
async def fail(kind: FromPath[str]) -> None:
    _raiser(kind)


@pytest.fixture
async def raising(app: Litestar, client: httpx.AsyncClient) -> httpx.AsyncClient:
    app.register(fail)
    return client


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_domain_error_in_three_forms(raising: httpx.AsyncClient, kind: str) -> None:
    _, status, text = KINDS[kind]

    api = await raising.get(f"/api/v1/_test/{kind}")
    assert api.status_code == status
    assert api.json() == {"status_code": status, "detail": text + "。"}

    page = await raising.get(f"/_test/{kind}")
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in page.text and f"出错了（{status}）" in page.text
    assert text in page.text

    fragment = await raising.get(f"/_test/{kind}", headers={"HX-Request": "true"})
    assert fragment.status_code == status
    assert "<html" not in fragment.text and 'role="alert"' in fragment.text
    assert text in fragment.text


async def test_a_service_error_reaches_the_page_with_its_status(
    staff: httpx.AsyncClient, roster: dict[str, int]
) -> None:
    """A real service (board.params → Invalid) through the real routes, in the three forms."""
    api = await staff.get("/api/v1/board", params={"year": "abc"})
    assert api.status_code == 400 and "年度应为整数" in api.json()["detail"]
    page = await staff.get("/board", params={"year": "abc"})
    assert page.status_code == 400 and "<html" in page.text and "年度应为整数" in page.text
    hx = await staff.get("/board", params={"year": "abc"}, headers={"HX-Request": "true"})
    assert hx.status_code == 400 and "<html" not in hx.text and "年度应为整数" in hx.text
    missing = await staff.get("/board/cell", params={"enterprise_id": 99999, "obligation_id": 1})
    assert missing.status_code == 404 and "未找到" in missing.text
