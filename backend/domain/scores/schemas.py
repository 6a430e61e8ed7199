"""The score API's answer (GET /api/v1/scores) as typed structs.

`breakdown_json` keeps building plain dicts (they are also the locked-year snapshot); the API
converts them to these structs, which checks the shape and lets the OpenAPI schema show it."""

from __future__ import annotations

import msgspec


class ScorePartsOut(msgspec.Struct, kw_only=True):
    obligations: float  # 节点任务
    rectification: float  # 问题整改
    effectiveness: float  # 工作成效
    bonus: float
    deduction: float


class ScoreLineOut(msgspec.Struct, kw_only=True):
    obligation_id: int
    code: str
    title: str
    due_on: str | None
    first_submitted_at: str | None
    workdays_late: int
    t: float  # timeliness factor
    t_note: str
    grade: str
    q: float  # quality factor
    q_note: str
    weight: float
    points: float
    counted: bool  # false: exempt or not yet due
    provisional: bool  # 暂计


class EffectivenessOut(msgspec.Struct, kw_only=True):
    dimension: str
    rating: str
    points: float


class RectificationLineOut(msgspec.Struct, kw_only=True):
    """One finding's share of the rectification part: 20 × weight × factor ÷ Σ weight."""

    finding_id: int
    title: str
    severity: str  # 一般 / 较重 / 重大
    weight: float
    deadline: str | None
    status: str
    factor: float
    note: str
    points: float
    provisional: bool


class AdjustmentOut(msgspec.Struct, kw_only=True):
    id: int | None = None
    amount: float
    reason: str
    by: str
    at: str | None


class EnterpriseScoreOut(msgspec.Struct, kw_only=True):
    enterprise_id: int
    enterprise_name: str
    year: int
    total: float
    grade: str
    parts: ScorePartsOut
    assessment_points: float
    provisional: bool
    locked: bool
    breakdown: list[ScoreLineOut]
    effectiveness: list[EffectivenessOut]
    rectification: list[RectificationLineOut] = []
    adjustments: list[AdjustmentOut]
    notes: list[str]


class ScoresOut(msgspec.Struct, kw_only=True):
    items: list[EnterpriseScoreOut]
    total: int
    year: int
    as_of: str  # YYYY-MM-DD (a locked year: the day it was locked as of)
    locked: bool
