"""Bookmarks in a real browser against a real `atrium serve`: sharing with tags and a
collection, filtering, saving to my bookmarks; a hostile title never runs; a link to an
internal address is saved but the server never fetches it (the egress gate, live); the
pages pass axe-core (English and French, light and dark)."""

from __future__ import annotations

import re
import sqlite3
import time
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.conftest import postgres_url
from tests.e2e.flows import create_space, first_run, open_tab, t
from tests.kernel.egress_server import serving

pytestmark = pytest.mark.browser

XSS_TITLE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


class Internal(BaseHTTPRequestHandler):
    """A service on the loopback address the server must never be made to call."""

    hits: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Internal.hits.append(self.path)
        body = b"<title>Internal admin</title>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def links_world(browser):
    from tests.e2e.server import running_server

    with running_server(database_url=postgres_url(), prefix="atrium-links-e2e-") as server:
        owner = open_tab(browser, server, "en")
        first_run(owner, server.setup_token(), "Parkside Clinic", "Helen Martin",
                  "owner@example.org")
        slug = create_space(owner, "Library", "open")
        state = owner.context.storage_state()
        owner.close()
        yield {"server": server, "slug": slug, "state": state}


def share(page, lang: str, url: str, title: str = "", tags: str = "", collection: str = ""):
    page.get_by_label(t(lang, "Address"), exact=True).fill(url)
    page.get_by_label(t(lang, "Title"), exact=True).fill(title)
    page.get_by_label(t(lang, "Tags, separated by commas"), exact=True).fill(tags)
    page.get_by_label(t(lang, "Collection"), exact=True).fill(collection)
    page.get_by_role("button", name=t(lang, "Share"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/links/$"))


def preview_error(server, url: str, timeout: float = 20.0) -> str | None:
    """The preview's recorded error once the server's worker handled it (SQLite only)."""
    database = server.data_dir / "atrium.sqlite3"
    if not database.exists():
        return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            row = connection.execute("SELECT error FROM kernel_linkpreview WHERE url = ?",
                                     (url,)).fetchone()
        if row and row[0] != "pending":
            return str(row[0])
        time.sleep(0.2)
    return "pending"


def test_share_filter_save_and_no_request_to_internal_addresses(browser, links_world):
    """A person shares links with tags and a collection, filters, saves one to their
    bookmarks; a hostile title stays text; an internal address is never fetched."""
    server, slug = links_world["server"], links_world["slug"]
    tab = open_tab(browser, server, "en", storage_state=links_world["state"])
    page = tab.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    assert tab.goto(f"/s/{slug}/links/") == 200

    share(page, "en", "https://guides.example/soins", XSS_TITLE, "soin, qualité", "Guides")
    share(page, "en", "https://rh.example/conges", "Congés", "rh")
    cards = page.locator("#link-list li.card")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("link", name=XSS_TITLE, exact=True)).to_be_visible()

    page.locator("#link-list").get_by_role("link", name="Links tagged soin").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(XSS_TITLE)
    tab.goto(f"/s/{slug}/links/?collection=Guides")
    expect(cards).to_have_count(1)
    tab.goto(f"/s/{slug}/links/")
    page.locator("#link-search").fill("Cong")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Congés")

    with serving(Internal) as internal:
        Internal.hits = []
        target = f"http://127.0.0.1:{internal.server_address[1]}/admin"
        tab.goto(f"/s/{slug}/links/")
        share(page, "en", target)
        expect(cards.first).to_contain_text("127.0.0.1")
        error = preview_error(server, target)
        # The server's worker did handle it, and the gate refused (read from SQLite).
        assert error == "private_address" or (postgres_url() and error is None), error
        time.sleep(0.5)
        assert Internal.hits == []

    tab.goto(f"/s/{slug}/links/")
    card = cards.filter(has_text="Congés")
    card.get_by_role("button", name=re.compile("Save to my bookmarks")).click()
    expect(page.get_by_text("Saved in your bookmarks.")).to_be_visible()
    assert tab.goto("/links/") == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookmarks")
    expect(page.locator("#link-list li.card").filter(has_text="Congés")).to_have_count(2)
    assert not dialogs and not [e for e in tab.console_errors if "alert" in e]
    tab.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_links_pages_are_accessible(browser, links_world, lang):
    """axe-core: no serious or critical violation on the bookmark pages, light and dark."""
    try:
        axe.axe_source()
    except (axe.AxeUnavailable, OSError) as error:
        if axe.must_run():
            raise
        pytest.skip(f"axe-core unavailable: {error}")
    server, slug = links_world["server"], links_world["slug"]
    tab = open_tab(browser, server, lang, storage_state=links_world["state"], bypass_csp=True)
    tab.goto(f"/s/{slug}/links/")
    edit = tab.page.locator("#link-list a[href$='/edit/']").first
    pages = [f"/s/{slug}/links/", f"/s/{slug}/links/?tag=rh", "/links/"]
    if edit.count():
        pages.append(edit.get_attribute("href"))
    reports = []
    for path in pages:
        assert tab.goto(path) == 200, path
        for scheme in ("light", "dark"):
            tab.page.emulate_media(color_scheme=scheme)
            found = axe.check_page(tab.page)
            if found:
                reports.append(axe.describe(found, f"{path} ({lang}, {scheme})"))
    tab.close()
    assert not reports, "\n".join(reports)
