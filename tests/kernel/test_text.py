"""User text goes through one renderer and one sanitiser: Markdown works, script never runs."""

from html.parser import HTMLParser

import pytest

from atrium.kernel.text import render_markdown


class Inspector(HTMLParser):
    """Collects what would be live in a browser: element names, handlers, URL schemes."""

    def __init__(self):
        super().__init__()
        self.tags, self.handlers, self.urls = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src"):
                self.urls.append((value or "").strip().lower())


def live_parts(html):
    inspector = Inspector()
    inspector.feed(html)
    return inspector

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "![x](x\" onerror=\"alert(1))",
    "<style>body{display:none}</style>",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives_as_markup(payload):
    """Each payload comes out inert: no script element, handler or javascript/data URL."""
    parts = live_parts(render_markdown(payload))
    assert not parts.tags & {"script", "iframe", "svg", "style", "img", "object"}, payload
    assert not parts.handlers, payload
    assert all(url.startswith(("http:", "https:", "mailto:", "#", "/")) or ":" not in url
               for url in parts.urls), (payload, parts.urls)


def test_markdown_features_render():
    """Bold, italics, links, lists, quotes and code blocks render as expected."""
    html = render_markdown("**bold** _it_ [site](https://example.org)\n\n- a\n- b\n\n> q\n\n"
                           "```python\nprint(1)\n```")
    for expected in ("<strong>bold</strong>", "<em>it</em>", 'href="https://example.org"',
                     "<li>a</li>", "<blockquote>", "<pre><code", "print(1)"):
        assert expected in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_huge_text_is_cut_not_rendered_whole():
    """A megabyte of text renders to a bounded result."""
    assert len(render_markdown("a" * 1_000_000)) < 110_000
