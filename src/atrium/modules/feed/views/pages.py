"""The feed's pages: the home feed (also drawn at `/`), a space's feed, a person's posts, a
hashtag, search and the announcements. Each is a whole page, or, with `?partial=1` (the
"load more" link followed by the page's script), only the next items."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.gzip import gzip_page

from atrium.kernel.abilities import has_access, module_access, spaces_with_module_access
from atrium.kernel.access import access_person, access_space_module
from atrium.kernel.models import Access, Space, SpaceMembership, SpaceRole
from atrium.modules.feed import queries
from atrium.modules.feed.queries.feeds import Order
from atrium.modules.feed.views.common import (
    EMOJI,
    MODULE,
    PAGE_SIZE,
    feed_view,
    js_strings,
)
from atrium.modules.feed.views.present import annotate
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest


def composer_spaces(user: Any) -> list[dict[str, Any]]:
    """The spaces where `user` may post, with whether they may announce there (the action
    decides; this only chooses what the form offers)."""
    ids = spaces_with_module_access(user, MODULE, Access.WRITE)
    spaces = list(Space.objects.filter(pk__in=ids).order_by("name"))
    admin_of = set(SpaceMembership.objects.filter(user=user, role=SpaceRole.ADMIN,
                                                  space_id__in=ids)
                   .values_list("space_id", flat=True))
    choices = []
    for space in spaces:
        own = space.is_personal and space.personal_owner_id == user.pk
        manage = space.pk in admin_of or own or (user.is_org_admin and not space.is_personal)
        choices.append({"space": space, "announce": manage})
    return choices


def page_data(request: AuthedRequest, spaces: list[Space] | None = None, *,
              live: bool = False, base: str = "") -> dict[str, Any]:
    """The JSON island the page's script starts from (type application/json, never run)."""
    return {
        "me": request.user.pk,
        "live": live,
        "base": base,
        "spaces": {str(s.pk): s.slug for s in (spaces or [])},
    }


def page_address(request: AuthedRequest) -> str:
    """Where forms come back to: this page, without the paging and fragment parameters (a
    form in items loaded by "load more" returns to the page, not to the fragment)."""
    kept = {k: str(v) for k, v in request.GET.items() if k not in ("before", "partial", "next")}
    return f"{request.path}?{urlencode(kept)}" if kept else request.path


def more_url(request: AuthedRequest, cursor: str | None, **params: str) -> str:
    if not cursor:
        return ""
    query = {k: v for k, v in params.items() if v}
    query["before"] = cursor
    return f"{request.path}?{urlencode(query)}"


def poll_slots(form: dict[str, Any]) -> list[str]:
    """The poll builder's option fields: what was typed, at least four."""
    typed = [str(o) for o in form.get("options", [])][:20]
    return typed + [""] * max(0, 4 - len(typed))


def render_feed(request: AuthedRequest, template: str, page: Any, context: dict[str, Any],
                *, status: int = 200, **params: str) -> HttpResponse:
    choices = context.get("choices") or []
    annotate(page.items)
    annotate(context.get("announcements") or [])
    context.update({
        "poll_slots": poll_slots(context.get("form") or {}),
        "announce_any": any(c["announce"] for c in choices),
        "items": page.items,
        "more_url": more_url(request, page.next_cursor, **params),
        "emoji": EMOJI,
        "here": page_address(request),
        "feed_strings": js_strings(),
    })
    if request.GET.get("partial") == "1":
        return TemplateResponse(request, "feed/_items.html", context, status=status)
    return TemplateResponse(request, template, context, status=status)


def _order(request: AuthedRequest) -> Order:
    return "activity" if request.GET.get("order") == "activity" else "recent"


def _before(request: AuthedRequest) -> str | None:
    before = request.GET.get("before", "").strip()
    return before[:200] or None


def home_context(request: AuthedRequest, order: Order) -> dict[str, Any]:
    user = request.user
    choices = composer_spaces(user)
    shown = list(Space.objects.filter(
        pk__in=SpaceMembership.objects.filter(user=user).values("space_id")))
    return {
        "order": order,
        "choices": choices,
        "announcements": queries.announcements(user),
        "feed_data": page_data(request, shown, live=True, base=reverse("feed_root:home")),
        "welcome": request.GET.get("welcome") == "1",
        "form": {},
    }


def render_home(request: AuthedRequest, *, form: dict[str, Any] | None = None,
                error: Any = None, status: int = 200) -> HttpResponse:
    order = _order(request)
    page = queries.home_feed(request.user, order=order, before=_before(request),
                             limit=PAGE_SIZE)
    context = home_context(request, order)
    context.update({"form": form or {}, "form_error": error})
    return render_feed(request, "feed/home.html", page, context, status=status,
                       order="" if order == "recent" else order)


@feed_view
@gzip_page
def home(request: AuthedRequest) -> HttpResponse:
    """The home feed: composer, announcements to confirm, then the posts of my spaces and of
    the people I follow."""
    return render_home(request)


@gzip_page
def home_page(request: AuthedRequest) -> HttpResponse:
    """The organisation's home page (`/`) while the feed is on (manifest `home`).

    Feed pages are compressed (a card's forms repeat the same markup: about 10 to 1);
    Django's GZipMiddleware pads with random bytes against BREACH and the CSRF token is
    masked per response."""
    return render_home(request)


def space_page_context(request: AuthedRequest, space: Space, order: Order) -> dict[str, Any]:
    user = request.user
    context = space_context(request, space, active=MODULE)
    may_post = has_access(module_access(user, space, MODULE), Access.WRITE)
    manage = bool(context["space_can"].get("manage"))
    context.update({
        "order": order,
        "choices": [{"space": space, "announce": manage}] if may_post else [],
        "fixed_space": space,
        "announcements": queries.announcements(user, space),
        "feed_data": page_data(request, [space], live=True,
                               base=reverse("feed:space", kwargs={"space_slug": space.slug})),
        "form": {},
        "can_moderate": manage,
    })
    return context


def render_space(request: AuthedRequest, space: Space, *, form: dict[str, Any] | None = None,
                 error: Any = None, status: int = 200) -> HttpResponse:
    order = _order(request)
    page = queries.space_feed(request.user, space, order=order, before=_before(request),
                              limit=PAGE_SIZE)
    context = space_page_context(request, space, order)
    context.update({"form": form or {}, "form_error": error})
    return render_feed(request, "feed/space.html", page, context, status=status,
                       order="" if order == "recent" else order)


@feed_view
@gzip_page
def space_feed(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, MODULE, Access.READ)
    return render_space(request, space)


@feed_view
@gzip_page
def person(request: AuthedRequest, user_id: int) -> HttpResponse:
    """A person's posts, in the spaces the viewer may read."""
    author = access_person(request.user, user_id)
    page = queries.author_feed(request.user, author, before=_before(request), limit=PAGE_SIZE)
    return render_feed(request, "feed/person.html", page, {"author": author,
                                                           "feed_data": page_data(request)})


@feed_view
@gzip_page
def hashtag(request: AuthedRequest, name: str) -> HttpResponse:
    name = name.lstrip("#").strip()[:60]
    page = queries.hashtag_feed(request.user, name, before=_before(request), limit=PAGE_SIZE)
    return render_feed(request, "feed/hashtag.html", page, {"tag": name,
                                                            "feed_data": page_data(request)})


@feed_view
@gzip_page
def search(request: AuthedRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    results = queries.search_posts(request.user, text, limit=50) if text else []
    annotate(results)
    return TemplateResponse(request, "feed/search.html", {
        "q": text, "items": results, "emoji": EMOJI, "here": page_address(request),
        "feed_data": page_data(request), "feed_strings": js_strings(), "searched": bool(text),
    })


@feed_view
@gzip_page
def announcements(request: AuthedRequest) -> HttpResponse:
    """Every announcement still pinned in the spaces I read, those to confirm first."""
    found = queries.announcements(request.user)
    annotate(found)
    return TemplateResponse(request, "feed/announcements.html", {
        "items": found, "emoji": EMOJI, "here": page_address(request),
        "feed_data": page_data(request), "feed_strings": js_strings(),
    })
