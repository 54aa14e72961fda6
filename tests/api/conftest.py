"""Calling the API as each role of `make_world`, with real personal tokens.

Every role gets a token made by `do_create_token` (on first use); the deactivated person's
token is made while the account is still active, then the account is deactivated, as in
real life.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from atrium.kernel.actions.people import do_deactivate_user, do_reactivate_user
from atrium.kernel.actions.tokens import do_create_token
from atrium.kernel.models import Visibility
from tests.factories import ROLES, World, make_world

PREFIX = "/api/v1"


def matrix(**expected: int) -> list[Any]:
    """One parametrize row per role of ROLES, in order: `matrix(anonymous=401, guest=404, ...)`."""
    assert sorted(expected) == sorted(ROLES), f"give a status for each of {ROLES}"
    return [pytest.param(role, expected[role], id=role) for role in ROLES]


@dataclass
class Api:
    world: World
    tokens: dict[str, str] = field(default_factory=dict)

    def token_for(self, user: Any, name: str = "tests") -> str:
        _token, secret = do_create_token(user, name)
        return secret

    def secret(self, role: str) -> str:
        """The token of `role` ("owner" included), made on first use."""
        if role not in self.tokens:
            user = self.world.owner if role == "owner" else self.world.user(role)
            self.tokens[role] = self.token_for(user)
        return self.tokens[role]

    def call(self, role: str | None, method: str, path: str, body: Any = None, *,
             token: str | None = None, raw: bytes | str | None = None, **headers: str) -> Any:
        """Sends `body` as JSON (or `raw` as is) as `role`, or with an explicit `token`."""
        secret = token or (self.secret(role) if role and role != "anonymous" else None)
        if secret:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {secret}")
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"content_type": "application/json"} if data is not None else {}
        response = Client().generic(method, PREFIX + path, data=data or "", **kwargs,
                                    **headers)
        assert response["Content-Type"].startswith("application/json") or \
            response.status_code == 204, (response.status_code, response.content[:200])
        return response


def build_api(visibility: str = Visibility.PRIVATE) -> Api:
    world = make_world(visibility)
    api = Api(world)
    # Other roles get their token on first use; this one must predate the deactivation.
    do_reactivate_user(world.owner, world.deactivated)
    api.tokens["deactivated"] = api.token_for(world.deactivated)
    do_deactivate_user(world.owner, world.deactivated)
    return api


@pytest.fixture
def api(db) -> Api:
    """The world of make_world (its space is private) with a token per role."""
    return build_api()


@pytest.fixture
def open_api(db) -> Api:
    """The same world around an open space."""
    return build_api(Visibility.OPEN)
