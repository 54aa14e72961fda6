"""Browser tests: a real `atrium serve` in a subprocess, driven by Debian's Chromium.

The Playwright driver lives for this package only (its event loop would otherwise make
Django refuse database access in the tests that run after these).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import Server, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
LOCALES = {"en": "en-GB", "fr": "fr-FR"}


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        pytest.skip(f"browser test: Chromium not found at {CHROMIUM} "
                    "(apt-get install chromium to run it)")


def postgres_url() -> str:
    """When the suite runs on PostgreSQL, the servers it starts do too (each on a fresh
    database); otherwise they use their embedded SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                          headless=True)
        yield chromium
        chromium.close()
    finally:
        driver.stop()


@pytest.fixture
def fresh_server() -> Iterator[Server]:
    """A just-installed instance: no organisation yet, mail written to files."""
    with running_server(database_url=postgres_url()) as server:
        yield server
