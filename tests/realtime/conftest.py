from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    """Channels closes database connections around each handler; in a test that would close
    the connection holding the test's transaction (PostgreSQL), so keep it open."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)
