"""Link previews: what the server learns about a web address (title, description, site
name, an image), fetched through the egress gate and kept in `LinkPreview`, shared by
bookmarks, posts and chat.

- `preview_for(url)` answers the row of the normalised address (lower-case host, no
  fragment, no default port), creating it when missing; a missing, stale (older than
  `ATRIUM_LINK_PREVIEW_DAYS`) or lost fetch is queued as a task after the transaction
  commits (`fetch_now=True` fetches at once instead). Until it is fetched `error` is
  "pending", and the partial shows nothing.
- The page is parsed with html.parser, bounded: `<title>`, OpenGraph, Twitter cards and
  `<meta name=description>`. Texts become plain text (control and invisible characters
  removed, spaces collapsed, length-capped); templates escape them.
- The image goes through the gate too (at most 5 MB), is decoded by Pillow (PNG, JPEG,
  GIF, WebP, BMP only, refused above 50 megapixels before decoding) and re-encoded as a WebP
  of at most 600 pixels, stored as a blob: pages show it from Atrium's own origin
  (`image_url`), never the remote bytes nor a third-party address.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from atrium import config
from atrium.kernel import blobstore, egress, previews
from atrium.kernel.models import LinkPreview

logger = logging.getLogger(__name__)

PENDING = "pending"
MAX_PAGE_BYTES = 2_000_000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PARSED_CHARS = 512 * 1024
IMAGE_SIZE = 600
LOST_AFTER = timedelta(minutes=15)  # a "pending" row older than this is queued again
FETCH_TIMEOUT = 8.0
LIMITS = {"title": 300, "description": 1000, "site_name": 120}
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?'\")]}"


def enabled() -> bool:
    value = getattr(settings, "ATRIUM_LINK_PREVIEWS", None)
    return config.env_bool("ATRIUM_LINK_PREVIEWS", True) if value is None else bool(value)


def refresh_days() -> int:
    value = getattr(settings, "ATRIUM_LINK_PREVIEW_DAYS", None)
    return config.env_int("ATRIUM_LINK_PREVIEW_DAYS", 7) if value is None else int(value)


def normalise(url: str) -> str | None:
    """The canonical form of an http(s) address, or None if it is not one."""
    url = (url or "").strip()
    if not url or len(url) > egress.MAX_URL:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != (443 if scheme == "https" else 80):
        host += f":{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def url_hash(url: str) -> str | None:
    normal = normalise(url)
    return hashlib.sha256(normal.encode()).hexdigest() if normal else None


def preview_for(url: str, *, fetch_now: bool = False) -> LinkPreview | None:
    """The preview row of `url` (None for an address that is not http(s)); queues its
    fetch when it is missing, stale or lost."""
    normal = normalise(url)
    if normal is None:
        return None
    digest = hashlib.sha256(normal.encode()).hexdigest()
    if not enabled():
        return LinkPreview.objects.filter(url_hash=digest).first()
    now = timezone.now()
    preview, created = LinkPreview.objects.get_or_create(
        url_hash=digest, defaults={"url": normal, "error": PENDING, "fetched_at": now})
    if not created:
        stale = preview.fetched_at < now - timedelta(days=refresh_days())
        lost = preview.error == PENDING and preview.fetched_at < now - LOST_AFTER
        if not (stale or lost):
            return preview
        # Claim the refresh, so concurrent callers queue it once.
        claimed = LinkPreview.objects.filter(pk=preview.pk, fetched_at=preview.fetched_at) \
            .update(fetched_at=now)
        if not claimed:
            return preview
        preview.fetched_at = now
    if fetch_now:
        return refresh(preview)
    preview_id = preview.pk
    transaction.on_commit(lambda: _enqueue(preview_id))
    return preview


def _enqueue(preview_id: int) -> None:
    try:
        fetch_preview.enqueue(preview_id)
    except Exception:  # the queue being down must not break the writer's request
        logger.exception("Link preview %s could not be queued", preview_id)


@task()
def fetch_preview(preview_id: int) -> str:
    """Fetch one preview; answers its error code ("" when it worked)."""
    preview = LinkPreview.objects.filter(pk=preview_id).first()
    return refresh(preview).error if preview is not None else "missing"


def refresh(preview: LinkPreview) -> LinkPreview:
    """Fetch the page (and its image) through the gate and store what was found."""
    try:
        page = egress.fetch(preview.url, max_bytes=MAX_PAGE_BYTES, timeout=FETCH_TIMEOUT)
    except egress.EgressRefused as refused:
        logger.info("Link preview of %s refused: %s", preview.url, refused)
        preview.error = refused.code
        preview.fetched_at = timezone.now()
        preview.save(update_fields=["error", "fetched_at"])
        return preview
    found: dict[str, str] = {}
    image_bytes = None
    if page.content_type in ("text/html", "application/xhtml+xml", ""):
        found = parse_html(page.body, charset(page.headers.get("content-type", "")))
    elif page.content_type.startswith("image/"):
        image_bytes = page.body
    preview.final_url = page.url[:2000]
    preview.title = found.get("title", "")
    preview.description = found.get("description", "")
    preview.site_name = found.get("site_name", "") or (urlsplit(page.url).hostname or "")[:120]
    preview.error = ""
    preview.fetched_at = timezone.now()
    image_address = found.get("image", "")
    if image_bytes is None and image_address:
        image_bytes = _fetch_image(urljoin(page.url, image_address))
    with transaction.atomic():
        _store_image(preview, image_bytes)
        preview.save()
    return preview


def _fetch_image(url: str) -> bytes | None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    try:
        answer = egress.fetch(url, max_bytes=MAX_IMAGE_BYTES, timeout=FETCH_TIMEOUT,
                              accept="image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8")
    except egress.EgressRefused as refused:
        logger.info("Preview image %s refused: %s", url, refused)
        return None
    return answer.body


def _store_image(preview: LinkPreview, data: bytes | None) -> None:
    """Re-encode the image as a WebP thumbnail blob; keep the old one if this one fails."""
    if not data:
        return
    rendered = previews.render_image(BytesIO(data), IMAGE_SIZE)
    if rendered is None:
        return
    try:
        blob = blobstore.put_bytes(rendered.data, max_bytes=MAX_IMAGE_BYTES,
                                   allowed_types={"image/webp"})
    except Exception:
        logger.exception("Preview image of %s could not be stored", preview.url)
        return
    if preview.image_id is not None:
        old = preview.image
        if old is not None:
            blobstore.release(old)
    preview.image = blob


def image_key(preview: LinkPreview) -> str:
    """The secret part of an image's address: nobody can walk through preview ids, and
    the address changes with the image, so it may be cached for ever."""
    # A blob's id stands for its bytes (one row per SHA-256), and reading it costs no query.
    return salted_hmac("atrium.linkpreview.image",
                       f"{preview.pk}:{preview.image_id or ''}").hexdigest()[:32]


def image_url(preview: LinkPreview) -> str:
    if preview.image_id is None:
        return ""
    return reverse("preview_image", args=[preview.pk]) + f"?k={image_key(preview)}"


def is_shown(preview: LinkPreview | None) -> bool:
    return bool(preview is not None and preview.error != PENDING
                and (preview.title or preview.description or preview.image_id))


def queue_for_text(markdown_text: str) -> LinkPreview | None:
    """Queue the preview of a text's first address (a post, a chat message); cheap when
    the text holds none."""
    if "http" not in (markdown_text or "").lower():
        return None
    url = first_url(markdown_text)
    return preview_for(url) if url else None


def previews_of_texts(texts: dict[int, str]) -> dict[int, LinkPreview]:
    """For each key, the preview of its text's first address when there is one to show
    (fetched and not failed), in one query whatever the number of texts."""
    hashes: dict[int, str] = {}
    for key, text in texts.items():
        if "http" not in (text or "").lower():
            continue
        url = first_url(text)
        digest = url_hash(url) if url else None
        if digest:
            hashes[key] = digest
    if not hashes:
        return {}
    found = {p.url_hash: p for p in LinkPreview.objects.filter(url_hash__in=set(hashes.values()))}
    return {key: found[digest] for key, digest in hashes.items()
            if digest in found and is_shown(found[digest])}


# --- Parsing --------------------------------------------------------------------------

def charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _decode(body: bytes, declared: str | None) -> str:
    candidates = [declared]
    sniffed = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", body[:4096],
                        re.IGNORECASE)
    if sniffed:
        candidates.append(sniffed.group(1).decode("ascii", "replace"))
    for name in candidates:
        if not name:
            continue
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    return body.decode("utf-8", errors="replace")


class _MetaParser(HTMLParser):
    KEYS = {
        "og:title": "title", "twitter:title": "title",
        "og:description": "description", "twitter:description": "description",
        "description": "description", "og:site_name": "site_name",
        "og:image": "image", "og:image:url": "image", "og:image:secure_url": "image",
        "twitter:image": "image", "twitter:image:src": "image",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.in_title = False
        self.done = False
        self.tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if tag == "body" or self.tags > 5000:
            self.done = True
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            values = {name.lower(): (value or "") for name, value in attrs}
            key = (values.get("property") or values.get("name") or "").strip().lower()
            field = self.KEYS.get(key)
            if field and field not in self.meta and values.get("content", "").strip():
                self.meta[field] = values["content"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.in_title and len(self.title) < 2000:
            self.title += data


def parse_html(body: bytes, declared_charset: str | None = None) -> dict[str, str]:
    """title, description, site_name and image (an address, maybe relative) of a page."""
    text = _decode(body[:MAX_PARSED_CHARS * 4], declared_charset)[:MAX_PARSED_CHARS]
    parser = _MetaParser()
    try:
        for start in range(0, len(text), 8192):
            parser.feed(text[start:start + 8192])
            if parser.done:
                break
        parser.close()
    except Exception:  # html.parser is lenient, but never let a page break the task
        logger.warning("Page could not be parsed for its preview", exc_info=True)
    found = {
        "title": plain(parser.meta.get("title") or parser.title, LIMITS["title"]),
        "description": plain(parser.meta.get("description", ""), LIMITS["description"]),
        "site_name": plain(parser.meta.get("site_name", ""), LIMITS["site_name"]),
        "image": parser.meta.get("image", "").strip()[:2000],
    }
    return {key: value for key, value in found.items() if value}


def plain(text: str, limit: int) -> str:
    """One line of plain text: control and invisible characters removed, spaces collapsed,
    cut at `limit` characters."""
    kept = "".join(" " if c in "\t\n\r\f\v" else c for c in text or ""
                   if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
                   or c in "\t\n\r\f\v")
    collapsed = " ".join(kept.split())
    return collapsed if len(collapsed) <= limit else collapsed[:limit - 1].rstrip() + "…"


# --- First address of a text -----------------------------------------------------------

def first_url(markdown_text: str) -> str | None:
    """The first http(s) address of a Markdown text, linked or bare, never one in code."""
    from atrium.kernel.text import MAX_SOURCE, _parser

    for block in _parser().parse((markdown_text or "")[:MAX_SOURCE]):
        if block.type != "inline" or not block.children:
            continue
        for token in block.children:
            candidate = ""
            if token.type == "link_open":
                candidate = str(token.attrGet("href") or "")
            elif token.type == "text":
                match = URL_IN_TEXT.search(token.content)
                candidate = _trim(match.group(0)) if match else ""
            if candidate and normalise(candidate):
                return candidate
    return None


def _trim(url: str) -> str:
    while url and url[-1] in TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url
