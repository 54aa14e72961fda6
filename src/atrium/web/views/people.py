from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse

from atrium.kernel import blobstore
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_person
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Organisation, Space, User
from atrium.web.types import AuthedRequest


@login_required
def directory(request: AuthedRequest) -> HttpResponse:
    """The people directory, searchable by name, e-mail, job, team and languages.
    Guests do not browse it."""
    org = Organisation.current()
    if org is None or not abilities(request.user, org)["browse_directory"]:
        raise NotFound("directory")
    search = request.GET.get("q", "").strip()[:100]
    people = User.objects.restrict(request.user).filter(is_active=True).search(search)
    page = Paginator(people.order_by("full_name"), 48).get_page(request.GET.get("page"))
    template = "web/people/_results.html" if request.htmx else "web/people/directory.html"
    return TemplateResponse(request, template, {"page": page, "search": search})


@login_required
def person(request: AuthedRequest, user_id: int) -> HttpResponse:
    person = access_person(request.user, user_id)
    shared = Space.objects.restrict(request.user, "see").filter(
        memberships__user=person, personal_owner__isnull=True)
    return TemplateResponse(request, "web/people/person.html", {
        "person": person, "person_can": abilities(request.user, person),
        "spaces": shared.order_by("name")[:50],
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
