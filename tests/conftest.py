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


def _on_postgres() -> bool:
    import os

    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items) -> None:
    """Three rules that keep CI inside its budget without losing a check:

    * tests marked `once` (large files streamed through a real server, a 5 GiB archive) do
      not depend on the database: they run in the SQLite phase and are skipped when the
      suite runs again on PostgreSQL;
    * browser tests (marked `browser`) drive the same pages in both phases; they run in the
      SQLite phase, while the PostgreSQL phase runs every page, API and domain test against
      PostgreSQL (and the live tests of the scaled mode, which need it);
    * under pytest-xdist, the browser and live-server tests share one worker (one Chromium
      and one server at a time), the rest is spread over the others.
    """
    on_postgres = _on_postgres()
    skip_once = pytest.mark.skip(reason="database-independent: runs in the SQLite phase")
    skip_browser = pytest.mark.skip(reason="browser test: runs in the SQLite phase")
    for item in items:
        if on_postgres and item.get_closest_marker("once"):
            item.add_marker(skip_once)
        if on_postgres and item.get_closest_marker("browser"):
            item.add_marker(skip_browser)
        if item.nodeid.startswith(("tests/e2e/", "tests/realtime/")):
            item.add_marker(pytest.mark.xdist_group("live"))
