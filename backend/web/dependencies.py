"""The app's dependencies (Litestar `dependencies=`), and the parameter types that ask for them:

    async def handler(self, actor: ActorDep, tenancy: TenancyDep, store: StoreDep) -> …

`actor` is who acts (for the audit trail), `tenancy` the group whose tree they may see (None:
every enterprise), `store` the file store, built once per app. A handler that touches enterprise
data takes `tenancy` and passes it on, so it cannot forget the scope. Dependencies never appear
as parameters in `/schema`."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide

from backend.security.audit import Actor
from backend.security.dependencies import provide_actor, provide_tenancy
from backend.storage import FileStore

ActorDep = NamedDependency[Actor]
TenancyDep = NamedDependency[int | None]
StoreDep = NamedDependency[FileStore]


def app_dependencies(store: FileStore) -> dict[str, Provide]:
    async def provide_store() -> FileStore:
        return store

    return {
        "actor": Provide(provide_actor),
        "tenancy": Provide(provide_tenancy),
        "store": Provide(provide_store),
    }
