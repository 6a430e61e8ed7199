"""Data fixtures shared by the integration and task tests (registered in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.lib.timeutil import TZ
from tests import factories as f


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
async def roster(programme: int) -> dict[str, int]:
    ids = {
        "U": await f.enterprise("提级管理示例集团（示例）", upgraded=True),
        "G": await f.enterprise("市属一级示例集团（示例）"),
    }
    ids["G1"] = await f.enterprise("示例子公司甲（示例）", parent=ids["G"], group_id=ids["G"])
    ids["G2"] = await f.enterprise("示例孙公司乙（示例）", parent=ids["G1"], group_id=ids["G"])
    p1 = await f.obligation_id("P1")
    v = await f.submit(ids["U"], p1, at(2023, 5, 20))
    await f.review(v, "approve", at(2023, 5, 25), grade="good")
    await f.submit(ids["G"], p1, at(2023, 5, 24))  # two calendar days late, never reviewed
    a5 = await f.obligation_id("A5")
    v = await f.submit(ids["G"], a5, at(2023, 12, 1))
    await f.review(v, "return", at(2023, 12, 5))
    await f.exempt(ids["U"], await f.obligation_id("A4"), at(2023, 6, 1), "已完成重组")
    return ids
