"""Link previews: normalised addresses, fetching through the gate, plain-text fields, the
image re-encoded and served from Atrium's origin, the first address of a Markdown text."""

from __future__ import annotations

from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from io import BytesIO

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from atrium.kernel import linkpreview
from atrium.kernel.models import LinkPreview
from tests.factories import make_user
from tests.kernel.egress_server import serving


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


class Pages(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages: dict[str, tuple[str, bytes]] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        kind, body = self.pages.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(settings):
    with serving(Pages) as server:
        port = server.server_address[1]
        settings.ATRIUM_EGRESS_ALLOW = [f"127.0.0.1:{port}"]
        Pages.pages = {
            "/big.png": ("image/png", png(1200, 800)),
            "/bomb.png": ("image/png", png(10_000, 6_000, "1")),
            "/article": ("text/html; charset=utf-8", (
                "<html><head><title>Fallback</title>"
                '<meta property="og:title" content="Le  guide\u202e &amp; co\x07">'
                '<meta property="og:description" content="Une description.">'
                '<meta property="og:site_name" content="HAS">'
                '<meta property="og:image" content="/big.png"></head>'
                "<body><meta property=og:title content=late></body></html>").encode()),
        }
        yield f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(("a", "b"), [
    ("HTTPS://Example.ORG/a?b=1#top", "https://example.org/a?b=1"),
    ("http://example.org:80", "http://example.org/"),
    ("https://example.org:443/x", "https://example.org/x"),
    ("https://example.org:8443/x", "https://example.org:8443/x"),
])
def test_addresses_are_normalised_before_hashing(a, b):
    """Case of the host, fragment and default port do not make a second preview."""
    assert linkpreview.normalise(a) == b
    assert linkpreview.url_hash(a) == linkpreview.url_hash(b)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.org/", "", "http://u:p@x.org/",
                                 "data:text/html,x", "https://"])
def test_only_http_addresses_get_a_preview(db, url):
    """Anything but an http(s) address answers None and stores nothing."""
    assert linkpreview.preview_for(url) is None
    assert not LinkPreview.objects.exists()


def test_a_new_address_is_queued_once_after_commit(db, django_capture_on_commit_callbacks):
    """The first call creates a pending row and queues one fetch; the next reuses it."""
    with django_capture_on_commit_callbacks() as callbacks:
        first = linkpreview.preview_for("https://example.org/page")
        second = linkpreview.preview_for("https://EXAMPLE.org/page#x")
    assert first is not None and second is not None and first.pk == second.pk
    assert first.error == linkpreview.PENDING and len(callbacks) == 1
    assert not linkpreview.is_shown(first)


def test_stale_and_lost_previews_are_queued_again(db, django_capture_on_commit_callbacks):
    """A preview older than the refresh period, or pending for too long, is fetched again."""
    preview = LinkPreview.objects.create(
        url_hash=linkpreview.url_hash("https://example.org/"), url="https://example.org/",
        title="Old", fetched_at=timezone.now() - timedelta(days=8))
    lost = LinkPreview.objects.create(
        url_hash=linkpreview.url_hash("https://example.net/"), url="https://example.net/",
        error=linkpreview.PENDING, fetched_at=timezone.now() - timedelta(hours=1))
    fresh = LinkPreview.objects.create(
        url_hash=linkpreview.url_hash("https://example.com/"), url="https://example.com/")
    with django_capture_on_commit_callbacks() as callbacks:
        linkpreview.preview_for("https://example.org/")
        linkpreview.preview_for("https://example.net/")
        linkpreview.preview_for("https://example.com/")
    assert len(callbacks) == 2
    preview.refresh_from_db()
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert preview.title == "Old"  # kept until the new fetch succeeds


def test_the_queued_task_fetches_the_page(db, site, django_capture_on_commit_callbacks):
    """After commit the task (immediate in tests) fills the preview in."""
    with django_capture_on_commit_callbacks(execute=True):
        preview = linkpreview.preview_for(f"{site}/article")
    assert preview is not None
    preview.refresh_from_db()
    assert preview.error == "" and preview.site_name == "HAS"


def test_a_page_gives_plain_text_fields_and_a_local_thumbnail(db, site):
    """OpenGraph wins over <title>, texts are cleaned, the image becomes a WebP ≤ 600 px."""
    preview = linkpreview.preview_for(f"{site}/article", fetch_now=True)
    assert preview is not None and preview.error == ""
    assert preview.title == "Le guide & co"
    assert preview.description == "Une description."
    assert preview.final_url == f"{site}/article"
    assert preview.image is not None and preview.image.mime_type == "image/webp"
    from atrium.kernel import blobstore
    with blobstore.open_blob(preview.image) as stream, Image.open(stream) as image:
        assert max(image.size) == 600 and image.format == "WEBP"


def test_a_pixel_bomb_gives_no_image(db, site):
    """An image past 50 megapixels is never decoded nor stored."""
    Pages.pages["/bomb-page"] = ("text/html", b'<meta property="og:image" content="/bomb.png">'
                                 b"<title>Bomb</title>")
    preview = linkpreview.preview_for(f"{site}/bomb-page", fetch_now=True)
    assert preview is not None and preview.title == "Bomb" and preview.image is None


def test_a_javascript_or_internal_image_address_is_not_fetched(db, site):
    """og:image pointing at javascript: or at an internal address gives no image."""
    Pages.pages["/evil"] = ("text/html", b'<meta property="og:image" content="javascript:x">'
                            b"<title>Evil</title>")
    Pages.pages["/internal"] = ("text/html", b"<title>Internal</title><meta property="
                                b'"og:image" content="http://169.254.169.254/x.png">')
    for path in ("/evil", "/internal"):
        preview = linkpreview.preview_for(f"{site}{path}", fetch_now=True)
        assert preview is not None and preview.title and preview.image is None


def test_a_refused_address_records_the_reason(db):
    """An internal address is never fetched; the preview keeps the refusal's code."""
    preview = linkpreview.preview_for("http://127.0.0.1:8080/admin", fetch_now=True)
    assert preview is not None and preview.error == "private_address"
    assert not linkpreview.is_shown(preview)


XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_the_partial_escapes_everything_and_links_safely(db, site):
    """Title, description and site name are escaped; the link opens without referrer; the
    image comes from Atrium's origin."""
    Pages.pages["/xss"] = ("text/html", (
        f'<meta property="og:title" content=\'{XSS}\'>'
        f'<meta name="description" content=\'{XSS}\'>'
        f'<meta property="og:site_name" content=\'{XSS}\'>'
        '<meta property="og:image" content="/big.png">').encode())
    preview = linkpreview.preview_for(f"{site}/xss", fetch_now=True)
    html = render_to_string("kernel/_link_preview.html", {"preview": preview})
    assert "<script>" not in html and "<img src=x" not in html and "&lt;script&gt;" in html
    assert 'rel="noopener noreferrer nofollow" target="_blank"' in html
    assert f'src="/previews/{preview.pk}/image?k=' in html
    assert "127.0.0.1" in html  # the link goes to the page, the image does not


def test_the_image_is_served_from_our_origin_with_its_key(db, site, client_for):
    """The image answers with its key only, cached for a year, never sniffed."""
    preview = linkpreview.preview_for(f"{site}/article", fetch_now=True)
    url = linkpreview.image_url(preview)
    client = client_for(make_user())
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    assert client.get(f"/previews/{preview.pk}/image?k=wrong").status_code == 404
    assert client.get(f"/previews/{preview.pk}/image").status_code == 404
    assert client.get(f"/previews/{preview.pk + 1}/image?k=x").status_code == 404
    assert client_for(None).get(url).status_code == 302


@pytest.mark.parametrize(("text", "url"), [
    ("See https://example.org/a.", "https://example.org/a"),
    ("[the guide](https://example.org/guide) and https://other.org", "https://example.org/guide"),
    ("`https://code.example` then <https://auto.example/x>", "https://auto.example/x"),
    ("```\nhttps://fenced.example\n```\nhttps://after.example/", "https://after.example/"),
    ("    https://indented.example\n\ntext", None),
    ("(see https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ("[x](javascript:alert(1)) nothing else", None),
    ("no address at all", None),
    ("", None),
])
def test_first_url_finds_the_first_address_outside_code(text, url):
    """Linked or bare, the first http(s) address counts; code never does."""
    assert linkpreview.first_url(text) == url


@pytest.mark.parametrize(("raw", "clean"), [
    ("a\u200bb\u202ec\x00d", "abcd"), ("  many \n\t spaces ", "many spaces"),
    ("x" * 400, "x" * 299 + "…"),
])
def test_texts_are_cleaned_to_one_plain_line(raw, clean):
    """Control and invisible characters go, spaces collapse, length is capped."""
    assert linkpreview.plain(raw, 300) == clean


def test_previews_can_be_switched_off(db, settings, django_capture_on_commit_callbacks):
    """With ATRIUM_LINK_PREVIEWS off nothing is created nor queued; a known row is reused."""
    settings.ATRIUM_LINK_PREVIEWS = False
    with django_capture_on_commit_callbacks() as callbacks:
        assert linkpreview.preview_for("https://example.org/") is None
    assert not callbacks and not LinkPreview.objects.exists()
    known = LinkPreview.objects.create(url_hash=linkpreview.url_hash("https://example.org/"),
                                       url="https://example.org/", title="Known")
    assert linkpreview.preview_for("https://EXAMPLE.org/#x") == known


def test_previews_of_many_texts_take_one_query(db, django_assert_num_queries):
    """The previews of a page of texts are read in one query; pending ones are left out."""
    for n in range(3):
        LinkPreview.objects.create(url_hash=linkpreview.url_hash(f"https://e.org/{n}"),
                                   url=f"https://e.org/{n}", title=f"T{n}",
                                   error="pending" if n == 2 else "")
    texts = {n: f"see https://e.org/{n}" for n in range(3)} | {9: "no address"}
    with django_assert_num_queries(1):
        found = linkpreview.previews_of_texts(texts)
    assert {key: p.title for key, p in found.items()} == {0: "T0", 1: "T1"}
