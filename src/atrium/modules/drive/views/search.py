"""Search the drive by name and, for text and PDF files, by content: in one space's drive
(/s/<space>/drive/search/) or in every drive the person may read (/drive/search/)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse

from atrium.modules.drive import queries
from atrium.modules.drive.abilities import MODULE
from atrium.modules.drive.views.common import drive_view, space_of
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest

MAX_QUERY = 200


@drive_view
def space_search(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = space_of(request.user, space_slug)
    text = request.GET.get("q", "")[:MAX_QUERY]
    context = space_context(request, space, active=MODULE)
    context.update({"q": text, "searched": bool(text.strip()),
                    "results": queries.search(request.user, text, space=space, limit=100)})
    return TemplateResponse(request, "drive/search.html", context)


@drive_view
def search_all(request: AuthedRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:MAX_QUERY]
    return TemplateResponse(request, "drive/search.html", {
        "q": text, "searched": bool(text.strip()), "everywhere": True,
        "results": queries.search(request.user, text, limit=100)})
