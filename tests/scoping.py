"""Run the code under test in a real tenancy scope, the way a request does.

Test setup and assertions run unscoped (tests/conftest.py), so factories and
`Model.objects.get(...)` need no scope. The code under test must not profit
from that: a service call goes through `acting(user)`, which activates the
user's scope with the very functions the request middleware uses
(`core.tenancy.access_for` + `access_scope`). A service that reads another
board's rows, or forgets that a row lies outside the actor's scope, then fails
here exactly as it would behind a view (tests/core/test_scoping.py proves it).

    with acting(world.user("board_admin")):
        services.device_update(...)

    services = as_actor(devices.services)   # every services.x(actor=u, ...) runs as u
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from types import ModuleType
from typing import Any

from core.tenancy import Access, access_for, access_scope


@contextmanager
def acting(user) -> Iterator[Access]:
    """Activate `user`'s real board scope (as TenancyScopeMiddleware does) and yield the Access."""
    access = access_for(user)
    with access_scope(access):
        yield access


def in_actor_scope(func: Callable) -> Callable:
    """Wrap a service `f(*, actor, ...)` so each call runs inside its actor's scope."""

    @wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "actor" not in kwargs:
            raise TypeError(f"{func.__name__}() needs actor=... to run in the actor's scope")
        with acting(kwargs["actor"]):
            return func(*args, **kwargs)

    return call


class as_actor:  # lower case: reads like the function call it stands in for
    """A services/workflow module whose functions taking `actor` run in the actor's scope.

    Everything else (exceptions, dataclasses, pure helpers without an actor) is
    passed through unchanged.
    """

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._module, name)
        if inspect.isfunction(attr) and "actor" in inspect.signature(attr).parameters:
            return in_actor_scope(attr)
        return attr
