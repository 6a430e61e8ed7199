"""One enqueue interface over arq (Redis) and an in-process runner (the embedded default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from tasks.jobs import FUNCTIONS

JobFunction = Callable[..., Awaitable[Any]]


@runtime_checkable
class TaskQueue(Protocol):
    async def enqueue(self, name: str, *args: Any, job_id: str | None = None) -> bool: ...
    async def close(self) -> None: ...


class InlineQueue:
    """Runs the job at once, in this process; refuses a repeated job id, as arq does."""

    def __init__(self, functions: Sequence[JobFunction] = FUNCTIONS) -> None:
        self.functions = {f.__name__: f for f in functions}
        self.results: dict[str, Any] = {}

    async def enqueue(self, name: str, *args: Any, job_id: str | None = None) -> bool:
        if job_id is not None and job_id in self.results:
            return False
        ctx = {"job_id": job_id, "job_try": 1, "enqueue_time": dt.datetime.now(dt.UTC)}
        result = await self.functions[name](ctx, *args)
        if job_id is not None:
            self.results[job_id] = result
        return True

    async def close(self) -> None:
        return None


class ArqQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, redis_url: str) -> ArqQueue:
        return cls(await create_pool(RedisSettings.from_dsn(redis_url)))

    async def enqueue(self, name: str, *args: Any, job_id: str | None = None) -> bool:
        return await self.pool.enqueue_job(name, *args, _job_id=job_id) is not None

    async def close(self) -> None:
        await self.pool.aclose()


async def make_queue(redis_url: str) -> TaskQueue:
    return await ArqQueue.connect(redis_url) if redis_url else InlineQueue()
