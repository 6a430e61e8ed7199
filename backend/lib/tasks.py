"""The task-queue interface services depend on. `tasks/queue.py` implements it (arq on Redis, or
in-process); the app builds one in its lifespan and injects it. Services import only this module,
so the domain never imports `tasks` (which imports the domain to run jobs)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class TaskQueue(Protocol):
    inline: bool  # True when enqueue runs the job at once, in this process

    async def enqueue(self, name: str, *args: Any, job_id: str | None = None) -> bool:
        """Hand a job to the queue; False if a job with this id is already known. Raises
        `backend.domain.errors.Unavailable` at once when the queue's store cannot be reached."""
        ...

    async def ping(self) -> bool:
        """Whether the queue can take jobs now (for readiness); never raises."""
        ...

    async def close(self) -> None: ...
