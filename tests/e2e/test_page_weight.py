"""The signed-in home page stays within its budget for a browser with an empty cache:
under 15 requests, under 100 KB transferred, nothing from another origin."""

from __future__ import annotations

import pytest

from tests.e2e.feed_flows import seed_feed
from tests.e2e.flows import create_space, first_run, open_tab
from tests.e2e.weight import BUDGET_BYTES, BUDGET_REQUESTS, measure

pytestmark = pytest.mark.browser


def test_home_page_budget(browser, fresh_server):
    """Home page, cold cache: < 15 requests, < 100 KB, no third-party origin."""
    owner = open_tab(browser, fresh_server, "en")
    first_run(owner, fresh_server.setup_token(), "Budget", "Bea Budget", "bea@example.org")
    create_space(owner, "Cardiologie", "open")
    state = owner.context.storage_state()
    owner.close()

    weight = measure(browser, f"{fresh_server.url}/", storage_state=state)

    assert weight.requests, "nothing was loaded"
    assert not any("/accounts/login" in line for line in weight.requests), weight.summary()
    assert weight.failed == [], weight.summary()
    assert len(weight.requests) < BUDGET_REQUESTS, weight.summary()
    assert weight.transferred < BUDGET_BYTES, weight.summary()
    assert weight.third_party == set(), weight.summary()


FEED_BUDGET_BYTES = 150 * 1024
FEED_BUDGET_REQUESTS = 25


def test_home_feed_with_20_posts_budget(browser, fresh_server):
    """Home page with 20 posts (images, polls, hashtags, 3 comments each), cold cache: < 150 KB, no
    third-party origin (avatars, images and previews come from Atrium)."""
    owner = open_tab(browser, fresh_server, "en")
    first_run(owner, fresh_server.setup_token(), "Budget", "Bea Budget", "bea@example.org")
    create_space(owner, "Cardiologie", "open")
    seed_feed(owner)
    state = owner.context.storage_state()
    owner.close()

    weight = measure(browser, f"{fresh_server.url}/", storage_state=state)
    print(weight.summary())

    assert sum("/feed/" in line and "/files/" in line for line in weight.requests) >= 1, \
        weight.summary()
    assert weight.failed == [], weight.summary()
    assert len(weight.requests) < FEED_BUDGET_REQUESTS, weight.summary()
    assert weight.transferred < FEED_BUDGET_BYTES, weight.summary()
    assert weight.third_party == set(), weight.summary()
