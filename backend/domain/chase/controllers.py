"""催报 from the board (htmx): a preview of the cells and the accounts a chase reaches, then the
send. The preview names one cell, one obligation's late enterprises, or the board's filter; the
send posts the cells the preview showed, with the action's id, so a double post sends once."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Template

from backend.domain.board.params import parse_board_query
from backend.domain.chase.service import check_batch, new_batch, send_chase
from backend.domain.chase.targets import Target, pairs_from_board, resolve
from backend.domain.errors import Invalid
from backend.domain.shared.chases import chase_events, tally
from backend.lib.ids import parse_id
from backend.lib.timeutil import today
from backend.rules.chase import bulk_targets, clean_message
from backend.security.dependencies import actor_for
from backend.security.policy import Access
from backend.settings import get_settings

CHASE = {"access": Access.CHASE}
BOARD_FILTERS = ("programme_id", "year", "group", "status", "q", "enterprise_id")


def _pair(raw: str) -> tuple[int, int] | None:
    """A cell as "enterprise:obligation"."""
    left, _, right = raw.partition(":")
    enterprise, obligation = parse_id(left), parse_id(right)
    return (enterprise, obligation) if enterprise and obligation else None


def _pairs(values: list[str]) -> list[tuple[int, int]]:
    pairs = [p for p in (_pair(v) for v in values) if p is not None]
    if len(pairs) != len(values):
        raise Invalid("催报对象无效，请重新打开催报预览。")
    return pairs


async def _with_tallies(targets: list[Target]) -> dict[tuple[int, int], Any]:
    obligations = sorted({t.column.id for t in targets})
    return tally(await chase_events(obligation_ids=obligations))


class ChaseController(Controller):
    path = "/chase"
    include_in_schema = False

    @get("/preview", name="chase:preview", opt=CHASE)
    async def preview(self, request: Request) -> Template:
        """?cell=E:O (one cell) or the board's filters (with ?obligation_id= to pick one duty)."""
        window = get_settings().due_soon_workdays
        params = request.query_params
        cell = params.get("cell")
        obligation_id = parse_id(params.get("obligation_id") or "")
        scope = "cell" if cell else "board"
        if cell:
            targets = await resolve(_pairs([cell]), today(), window, strict=False)
            choices = targets
        else:
            query = parse_board_query(
                {k: params.get(k) for k in BOARD_FILTERS}, default_page_size=0
            )
            # 催报 is about today: the board's as-of date only replays the past.
            pairs = await pairs_from_board(replace(query, as_of=today()), window)
            choices = await resolve(pairs, today(), window, strict=False)
            targets = [t for t in choices if obligation_id in (None, t.column.id)]
        obligations: dict[int, tuple[str, int]] = {}
        for t in choices:
            label = f"{t.column.code}（{t.column.due_year}年）{t.column.title}"
            obligations[t.column.id] = (label, obligations.get(t.column.id, ("", 0))[1] + 1)
        context = {
            "scope": scope,
            "cell": cell or "",
            "targets": targets,
            "tallies": await _with_tallies(targets),
            "recipients": sum(len(t.recipients) for t in targets),
            "obligations": obligations,
            "choice_total": len(choices),
            "obligation_id": obligation_id,
            "filters": {k: params.get(k) or "" for k in BOARD_FILTERS},
            "statuses": sorted(s.label for s in bulk_targets(params.get("status"))),
            "batch": new_batch(),
            "today": today(),
            "error": "",
        }
        return Template(template_name="chase/partials/preview.html", context=context)

    @post("/", name="chase:send", opt=CHASE, status_code=200)
    async def send(self, request: Request) -> Template:
        form = await request.form()
        try:
            note = clean_message(str(form.get("message") or ""))
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        batch = check_batch(str(form.get("batch") or ""))
        pairs = _pairs([str(v) for v in form.getall("cell", [])])
        if not pairs:
            raise Invalid("没有需要催报的企业，请重新选择。")
        window = get_settings().due_soon_workdays
        targets = await resolve(pairs, today(), window, strict=False)
        result = await send_chase(targets, note, actor_for(request), batch)
        context = {
            "result": result,
            "note": note,
            "tallies": await _with_tallies(targets),
            "gone": len(pairs) - len(targets),
        }
        return Template(template_name="chase/partials/sent.html", context=context)
