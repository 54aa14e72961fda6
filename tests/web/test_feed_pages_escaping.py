"""Hostile text in posts, comments, poll options, hashtags, file names and link previews is
drawn inert in every feed page: no tag, handler or script address of its own survives."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from atrium.kernel import linkpreview
from atrium.kernel.models import LinkPreview
from atrium.modules.feed import actions
from atrium.modules.feed.actions import PollSpec
from tests.factories import make_world

pytestmark = pytest.mark.django_db

CORPUS = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "<script>alert(3)</script>",
    "[click](javascript:alert(4))",
    "<a href=\"javascript:alert(5)\">x</a>",
    "#<script>alert(6)</script>",
    "<iframe src=//evil.example></iframe>",
    "{{ 7|add:7 }} {% csrf_token %}",
]
PAGE_SCRIPTS = {"feed-data", "feed-strings"}


class Finder(HTMLParser):
    """Real elements and attributes that would run: handlers, scripts, script addresses."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and named.get("id") not in PAGE_SCRIPTS and not named.get("src"):
            self.found.append(f"<script> {attrs}")
        if tag in ("iframe", "svg", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:text", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")



def hostile_posts(world):
    body = "https://example.org/page #cardio\n\n" + "\n\n".join(CORPUS)
    post = actions.do_create_post(
        world.member, world.space, body=body,
        files=[SimpleUploadedFile('"><img src=x onerror=alert(8)>.txt', b"x")],
        poll=PollSpec(options=["<b onmouseover=alert(9)>A</b>", '"><script>alert(10)</script>']))
    for text in CORPUS:
        actions.do_comment(world.space_admin, post, body=text)
    digest = linkpreview.url_hash("https://example.org/page")
    LinkPreview.objects.update_or_create(url_hash=digest, defaults={
        "url": "https://example.org/page", "final_url": "https://example.org/page",
        "title": "<script>alert(11)</script>", "description": '"><img src=x onerror=alert(12)>',
        "site_name": "<svg onload=alert(13)>", "error": "", "fetched_at": timezone.now()})
    return post


def inert(html: str) -> list[str]:
    """What would run in the page (its own JSON islands and module scripts aside)."""
    finder = Finder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("url", ["/", "/feed/", "/s/{slug}/feed/", "/s/{slug}/feed/{post}/",
                                 "/s/{slug}/feed/{post}/?partial=1", "/feed/tags/cardio/",
                                 "/feed/search/?q=alert", "/feed/people/{author}/"])
def test_hostile_text_is_inert_in_every_page(client_for, url):
    """No tag, handler or javascript: address from user text reaches the page as markup."""
    world = make_world()
    post = hostile_posts(world)
    page = client_for(world.member).get(url.format(slug=world.space.slug, post=post.pk,
                                                   author=world.member.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert(" in html, "the hostile text is shown, as text"
    assert inert(html) == []
    assert 'class="link-preview' in html and "&lt;script&gt;alert(11)" in html
    assert "{{ 7|add:7 }}" in html or "{{ 7|add:7 }}" in html.replace("&#x27;", "'")
    assert ">14<" not in html


def test_hostile_hashtag_address_is_inert(client_for):
    """A hashtag page's name is text, whatever the address holds."""
    world = make_world()
    response = client_for(world.member).get("/feed/tags/%3Cimg%20src=x%20onerror=alert(1)%3E/")
    assert response.status_code == 200
    assert inert(response.content.decode()) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode()


def test_hostile_search_text_is_inert(client_for):
    """The search box gives back what was typed as an attribute value, escaped."""
    world = make_world()
    response = client_for(world.member).get('/feed/search/?q="><svg onload=alert(1)>')
    html = response.content.decode()
    assert "<svg onload" not in html and "&quot;&gt;&lt;svg onload=alert(1)&gt;" in html
