from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, World, make_org, make_user, make_world


@pytest.fixture
def org(db):
    return make_org()


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def client_for(db):
    """A test client signed in as `user` (or anonymous for None)."""

    def build(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return build


@pytest.fixture
def member(db):
    return make_user()


@pytest.fixture
def password() -> str:
    return PASSWORD
