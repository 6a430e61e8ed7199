"""The two implementations of `backend.lib.tasks.TaskQueue`: arq on Redis, and an in-process
runner (the embedded default, without REDIS_URL). The app builds one in its lifespan."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from arq.connections import ArqRedis, RedisSettings
from redis.exceptions import RedisError

from backend.domain.errors import Unavailable
from backend.lib.tasks import TaskQueue
from tasks.jobs import FUNCTIONS

JobFunction = Callable[..., Awaitable[Any]]
# A request must not wait arq's default 5 × 1 s of retries for a Redis that is down: one short
# attempt, then a clear message. Loopback or a LAN answers a connect in well under 0.5 s.
CONNECT_TIMEOUT_S = 0.5
COMMAND_TIMEOUT_S = 3.0
UNAVAILABLE = "后台任务服务暂时无法连接，任务未能提交，请稍后重试；如持续出现，请联系系统管理员。"

__all__ = ["UNAVAILABLE", "ArqQueue", "InlineQueue", "TaskQueue", "make_queue"]


class InlineQueue:
    """Runs the job at once, in this process; refuses a repeated job id, as arq does."""

    inline = True

    def __init__(self, functions: list[JobFunction] = FUNCTIONS) -> None:
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

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


def redis_pool(redis_url: str) -> ArqRedis:
    """A pool that connects lazily (the app starts even while Redis is down) and gives up fast."""
    settings = RedisSettings.from_dsn(redis_url)
    return ArqRedis(
        host=settings.host,
        port=settings.port,
        db=settings.database,
        username=settings.username,
        password=settings.password,
        ssl=settings.ssl,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=COMMAND_TIMEOUT_S,
        encoding="utf8",
    )


class ArqQueue:
    inline = False

    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    @classmethod
    def connect(cls, redis_url: str) -> ArqQueue:
        return cls(redis_pool(redis_url))

    async def enqueue(self, name: str, *args: Any, job_id: str | None = None) -> bool:
        try:
            return await self.pool.enqueue_job(name, *args, _job_id=job_id) is not None
        except (TimeoutError, RedisError, OSError) as exc:
            raise Unavailable(UNAVAILABLE) from exc

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S + 0.5):
                return bool(await self.pool.ping())
        except (TimeoutError, RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.pool.aclose()


async def make_queue(redis_url: str) -> TaskQueue:
    return ArqQueue.connect(redis_url) if redis_url else InlineQueue()
