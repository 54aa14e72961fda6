from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import blobstore
from atrium.kernel import directory as people_dir
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_person
from atrium.kernel.actions.people import do_follow, do_unfollow, is_following
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Organisation, User
from atrium.kernel.status import current_status
from atrium.web.shortcuts import run_action
from atrium.web.types import AuthedRequest

PAGE_SIZE = 48
RECENT_ACTIVITY = 10


@login_required
def directory(request: AuthedRequest) -> HttpResponse:
    """The people directory: words searched in name, e-mail, job, team, skills and
    languages, narrowed by one team, skill and language. Guests do not browse it."""
    org = Organisation.current()
    if org is None or not abilities(request.user, org)["browse_directory"]:
        raise NotFound("directory")
    filters = people_dir.Filters.from_params(request.GET)
    page = Paginator(people_dir.people(request.user, filters), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page, "people": people_dir.decorate(page.object_list, timezone.now()),
        "filters": filters, "search": filters.q, "query": urlencode(filters.items()),
    }
    if request.htmx:
        return TemplateResponse(request, "web/people/_results.html", context)
    facets = people_dir.facets(request.user)
    context["facets"] = {"teams": _options(facets.teams, filters.team),
                         "skills": _options(facets.skills, filters.skill),
                         "languages": _options(facets.languages, filters.language)}
    return TemplateResponse(request, "web/people/directory.html", context)


def _options(values: list[tuple[str, int]], current: str) -> list[tuple[str, int, bool]]:
    """A facet's options, the current choice selected (and added when it is not among the
    most frequent values)."""
    options = [(value, count, value.casefold() == current.casefold())
               for value, count in values]
    if current and not any(selected for _v, _c, selected in options):
        options.insert(0, (current, 0, True))
    return options


def _feed_url(person: User) -> str:
    """The person's posts page of the feed (`feed_root:person`), or its path."""
    try:
        return reverse("feed_root:person", args=[person.pk])
    except NoReverseMatch:
        return f"/feed/people/{person.pk}/"


def recent_activity(viewer: User, person: User) -> list[Any]:
    """The person's latest content the viewer may read, from the kernel's content entries
    (fetched with their space)."""
    try:
        from atrium.kernel.content import feed_entries
    except ImportError:  # the feed's content contract is not installed
        return []
    entries = list(feed_entries(viewer, scope="author", author=person,
                                limit=RECENT_ACTIVITY))
    for entry in entries:
        # Only the site's own paths or web addresses become links, never `javascript:`.
        url = entry.url or ""
        safe = (url.startswith("/") and not url.startswith("//")) or \
            url.startswith(("https://", "http://"))
        setattr(entry, "link", url if safe else "")  # noqa: B010  (a template-only attribute)
    return entries


@login_required
def person(request: AuthedRequest, user_id: int) -> HttpResponse:
    person = access_person(request.user, user_id)
    here = reverse("person", args=[person.pk])
    if request.method == "POST":
        if request.POST.get("follow") == "1":
            return run_action(request, do_follow, _("You now follow %(name)s.")
                              % {"name": person.display_name}, here, request.user, person)
        if request.POST.get("follow") == "0":
            return run_action(request, do_unfollow, _("You no longer follow %(name)s.")
                              % {"name": person.display_name}, here, request.user, person)
        messages.error(request, _("Unknown request."))
        return redirect(here)
    person.skill_list = people_dir.split_list(person.skills)  # type: ignore[attr-defined]
    person.language_list = people_dir.split_list(person.languages)  # type: ignore[attr-defined]
    followers, following = people_dir.follow_counts(person)
    itself = person.pk == request.user.pk
    return TemplateResponse(request, "web/people/person.html", {
        "person": person, "person_can": abilities(request.user, person),
        "status": " ".join(filter(None, current_status(person, timezone.now()))),
        "spaces": people_dir.spaces_of(request.user, person),
        "manager": people_dir.visible_manager(request.user, person),
        "reports": people_dir.direct_reports(request.user, person),
        "teammates": people_dir.teammates(request.user, person),
        "followers": followers, "following": following,
        "i_follow": not itself and is_following(request.user, person),
        "may_follow": not itself and person.is_active,
        "activity": recent_activity(request.user, person), "feed_url": _feed_url(person),
    })


@login_required
def photo(request: AuthedRequest, user_id: int) -> HttpResponseBase:
    person = access_person(request.user, user_id)
    blob = person.photo
    if blob is None:
        raise NotFound("photo")
    etag = f'"{blob.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = FileResponse(blobstore.open_blob(blob), content_type=blob.mime_type)
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
