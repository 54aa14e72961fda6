"""The signed-in home page stays within its budget for a browser with an empty cache:
under 15 requests, under 100 KB transferred, nothing from another origin."""

from __future__ import annotations

import pytest

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


def seed_feed(tab, count: int = 20) -> None:
    """`count` posts in the first space offered by the composer, sent as its form sends them:
    Markdown with a hashtag, an image every fifth post (the newest among them), a poll every
    fourth; then three comments on each post."""
    import base64

    from tests.e2e.chat_flows import png_bytes

    assert tab.goto("/feed/") == 200
    tab.page.evaluate(
        """async ([count, png]) => {
            const form = document.getElementById("composer");
            const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
            const space = [...form.querySelectorAll("select[name=space] option")]
                .find((o) => o.textContent === "Cardiologie").value;
            const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
            for (let i = 0; i < count; i++) {
                const body = new FormData();
                body.append("csrfmiddlewaretoken", token);
                body.append("space", space);
                body.append("body", `Post ${i}: **the ward's** news of the day, with a longer ` +
                    `sentence so the card is realistic. #atrium #ward${i % 3}`);
                if (i % 5 === 4) {
                    body.append("images", new File([bytes], `photo${i}.png`, {type: "image/png"}));
                }
                if (i % 4 === 0) {
                    body.append("poll_option", "Yes");
                    body.append("poll_option", "No");
                }
                const answer = await fetch("/feed/new/", {
                    method: "POST", body, headers: {"X-Atrium-Fetch": "1"}});
                if (!answer.ok) throw new Error(`post ${i}: ${answer.status}`);
                const url = new DOMParser().parseFromString(await answer.text(), "text/html")
                    .querySelector("article.post").dataset.url;
                for (let c = 0; c < 3; c++) {
                    const comment = new FormData();
                    comment.append("csrfmiddlewaretoken", token);
                    comment.append("body", `Comment ${c} on post ${i}: agreed, let us do it.`);
                    const sent = await fetch(`${url}comment/`, {
                        method: "POST", body: comment, headers: {"X-Atrium-Fetch": "1"}});
                    if (!sent.ok) throw new Error(`comment ${c} on ${i}: ${sent.status}`);
                }
            }
        }""", [count, base64.b64encode(png_bytes(size=(800, 600))).decode()])


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
