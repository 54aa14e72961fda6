"""The chat world of `tests.modules.chat.factories` seen through the API: a token per role.

Roles are those of `CHAT_ROLES`: the kernel's (anonymous, guest, outsider, reader, member,
space_admin, org_admin, deactivated) plus `removed`, taken out of the private channel. The
deactivated person's token was made while the account was active, as in real life.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from atrium.kernel.actions.people import do_deactivate_user, do_reactivate_user
from atrium.kernel.models import Visibility
from tests.api.conftest import Api
from tests.modules.chat.factories import CHAT_ROLES, ChatWorld, make_chat_world


def chat_matrix(**expected: int) -> list[Any]:
    """One parametrize row per chat role, in order: `chat_matrix(anonymous=401, ...)`."""
    assert sorted(expected) == sorted(CHAT_ROLES), f"give a status for each of {CHAT_ROLES}"
    return [pytest.param(role, expected[role], id=role) for role in CHAT_ROLES]


@dataclass
class ChatApi(Api):
    chat: ChatWorld | None = None

    def secret(self, role: str) -> str:
        if role not in self.tokens:
            assert self.chat is not None
            user = self.world.owner if role == "owner" else self.chat.user(role)
            self.tokens[role] = self.token_for(user)
        return self.tokens[role]

    def user(self, role: str) -> Any:
        assert self.chat is not None
        return self.world.owner if role == "owner" else self.chat.user(role)


def build_chat_api(visibility: str = Visibility.PRIVATE) -> ChatApi:
    chat = make_chat_world(visibility)
    api = ChatApi(chat.world, chat=chat)
    owner, deactivated = chat.world.owner, chat.world.deactivated
    do_reactivate_user(owner, deactivated)
    api.tokens["deactivated"] = api.token_for(deactivated)
    do_deactivate_user(owner, deactivated)
    return api


@pytest.fixture
def chat_api(db) -> ChatApi:
    """The chat world around a private space, with a token per role; the posting rate
    limit starts afresh."""
    cache.clear()
    return build_chat_api()


@pytest.fixture
def open_chat_api(db) -> ChatApi:
    """The same around an open space."""
    cache.clear()
    return build_chat_api(Visibility.OPEN)
