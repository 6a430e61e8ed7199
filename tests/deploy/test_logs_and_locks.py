"""Request ids and JSON log lines; one process of several runs the in-process reminder scan."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os

import httpx
import pytest

from backend.db.tables import ReminderLog
from backend.domain.reminders import runner
from backend.lib.process_lock import ProcessLock
from backend.settings import get_settings
from backend.web.logs import REQUEST_ID, ContextFilter, JsonFormatter, log_config


async def test_the_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c1d"})
    assert kept.headers["x-request-id"] == "nginx-4f2a9c1d"
    made = await client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 16
    forged = await client.get("/healthz", headers={"X-Request-ID": 'a"\n{"level": "x"}'})
    assert forged.headers["x-request-id"] != 'a"\n{"level": "x"}'
    assert len(forged.headers["x-request-id"]) == 16
    refused = await client.get("/healthz", headers={"Host": "evil.example:1"})
    assert "x-request-id" in refused.headers


def test_json_lines_carry_the_request_id_and_the_pid() -> None:
    record = logging.LogRecord("hegui.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.status = 200  # an `extra=` field
    token = REQUEST_ID.set("abcd1234abcd")
    try:
        ContextFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /x" and line["status"] == 200
    assert line["request_id"] == "abcd1234abcd" and isinstance(line["pid"], int)
    assert log_config("json")["formatters"]["main"]["()"].endswith("JsonFormatter")
    assert "request_id" in log_config("text")["formatters"]["main"]["format"]


def test_production_defaults_to_as_many_processes_as_cores() -> None:
    base = get_settings()
    cores = os.cpu_count() or 1
    assert dataclasses.replace(base, environment="production").serve_workers() == cores
    assert dataclasses.replace(base, environment="development").serve_workers() == 1
    assert dataclasses.replace(base, web_workers=3).serve_workers() == 3


@pytest.mark.parametrize("other_process_holds_the_lock", [True, False])
async def test_only_the_process_holding_the_lock_scans(
    tenant_accounts: dict,
    monkeypatch: pytest.MonkeyPatch,
    other_process_holds_the_lock: bool,
) -> None:
    settings = dataclasses.replace(get_settings(), redis_url="", reminder_scan_in_process=True)
    monkeypatch.setattr(runner, "get_settings", lambda: settings)
    monkeypatch.setattr(runner, "FIRST_SCAN_DELAY_SECONDS", 0)
    # Its own open file description: to flock, that is another holder.
    other = ProcessLock(settings.var_dir / "reminder-scan.lock")
    if other_process_holds_the_lock:
        assert other.try_acquire()
    try:
        async with runner.reminder_scheduler():
            for _ in range(60):
                if await ReminderLog.count():
                    break
                await asyncio.sleep(0.05)
    finally:
        other.release()
    assert (await ReminderLog.count() > 0) is not other_process_holds_the_lock
