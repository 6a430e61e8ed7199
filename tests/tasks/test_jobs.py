"""Jobs run the same in-process (the embedded default) and through arq on a real Redis."""

from __future__ import annotations

import os

import pytest
from arq.connections import RedisSettings, create_pool
from arq.worker import Worker

from tasks.jobs import FUNCTIONS, scan_overdue
from tasks.queue import ArqQueue, InlineQueue, TaskQueue, make_queue

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL unset: the Redis run is the optional CI pass"
)


async def test_scan_counts_cells_by_status(roster: dict[str, int]) -> None:
    counts = await scan_overdue({"job_try": 1}, "2024-01-31")
    assert counts["approved"] == 1  # the upgraded group's P1
    assert counts["exempt"] == 1
    assert counts["overdue"] > 10


async def test_inline_queue_runs_now_and_refuses_duplicates(roster: dict[str, int]) -> None:
    queue = InlineQueue()
    assert isinstance(queue, TaskQueue)
    assert await queue.enqueue("scan_overdue", "2024-01-31", job_id="scan:2024-01-31")
    assert queue.results["scan:2024-01-31"]["approved"] == 1
    assert not await queue.enqueue("scan_overdue", "2024-01-31", job_id="scan:2024-01-31")


async def test_without_redis_the_queue_is_in_process() -> None:
    queue = await make_queue("")
    assert isinstance(queue, InlineQueue)


@pytest.mark.redis
@needs_redis
async def test_arq_worker_runs_the_job_from_redis(roster: dict[str, int]) -> None:
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    await pool.flushdb()
    queue = ArqQueue(pool)
    assert await queue.enqueue("scan_overdue", "2024-01-31", job_id="scan:redis")
    assert not await queue.enqueue("scan_overdue", "2024-01-31", job_id="scan:redis")
    worker = Worker(
        functions=FUNCTIONS,
        redis_pool=pool,
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
        max_tries=1,
    )
    try:
        assert await worker.run_check() == 1
        job_result = await pool.all_job_results()
        assert job_result[0].result["approved"] == 1
    finally:
        await worker.close()


@pytest.mark.redis
@needs_redis
async def test_arq_worker_builds_an_export(roster: dict[str, int]) -> None:
    from backend.db.tables import ExportJob
    from backend.domain.exports.service import load_job
    from backend.settings import get_settings
    from backend.storage import FileStore

    inserted = await ExportJob.insert(
        ExportJob(kind="board", params={"as_of": "2024-01-31"}, requested_by=None)
    ).returning(ExportJob.id)
    job_id = inserted[0]["id"]
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    await pool.flushdb()
    assert await ArqQueue(pool).enqueue("export_file", job_id, job_id=f"export:{job_id}:t")
    worker = Worker(
        functions=FUNCTIONS,
        redis_pool=pool,
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
        max_tries=1,
    )
    try:
        assert await worker.run_check() == 1
        assert (await pool.all_job_results())[0].result == "done"
    finally:
        await worker.close()
    job = await load_job(job_id)
    assert job is not None and job["status"] == "done" and job["progress"] == job["total"] > 0
    assert job["file_name"] == "进度台账-截至2024-01-31.xlsx"
    assert FileStore(get_settings().storage_dir).exists(job["file_sha256"])
