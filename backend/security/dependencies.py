"""What a handler needs to know about who is asking, injected by Litestar (app-level
`dependencies=`) so that a handler that touches enterprise data cannot forget its scope:

- `actor`: the acting user as the audit trail records them (id, name, enterprise, IP);
- `tenancy`: the group whose tree the user may see, or None for every enterprise (SASAC roles),
  from `policy.enterprise_scope`. (`scope` is a name Litestar reserves for the ASGI scope.)

Dependencies never appear as parameters in `/schema`."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import PermissionDeniedException

from backend.security.audit import Actor
from backend.security.guards import current_user
from backend.security.policy import CurrentUser, enterprise_scope


def actor_for(request: Request[Any, Any, Any], user: CurrentUser | None = None) -> Actor:
    user = user or current_user(request)
    ip = request.client.host if request.client else ""
    if user is None:
        return Actor(None, "匿名", None, ip)
    return Actor(user.id, user.username, user.enterprise_id, ip)


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return actor_for(request)


async def provide_tenancy(request: Request[Any, Any, Any]) -> int | None:
    try:
        return enterprise_scope(current_user(request))
    except PermissionError as exc:  # a role that sees no enterprise data (the guard admits none)
        raise PermissionDeniedException(f"{exc}。") from None
