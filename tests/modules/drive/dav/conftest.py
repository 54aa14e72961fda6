from __future__ import annotations

import pytest
from django.core.cache import cache

from atrium.modules.drive.dav.app import wsgi_application
from tests.modules.drive.dav.client import DavClient


@pytest.fixture
def dav(db) -> DavClient:
    cache.clear()  # the failed sign-in counters
    return DavClient(wsgi_application())
