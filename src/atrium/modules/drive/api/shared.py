"""Share links opened by people without an account, under /api/v1/drive/shared/{token}.

No authentication: the token is the key. A link protected by a password wants it in the
`X-Share-Password` header, or in the `password` field of a form (POST, for browsers).
Unknown, revoked and expired links, and links whose item went to the trash, answer 404 alike;
a missing or wrong password answers 401 (`password_required` / `wrong_password`). Every
attempt is audited (`open_share_link`). Wrong passwords are throttled: after
`MAX_WRONG_PASSWORDS` in `WINDOW_SECONDS` for one link, or from one client address, the
answer is 429 with `Retry-After` until the window has passed (the default cache, shared by
every worker, holds the counts).
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from atrium.api.core import error_body
from atrium.api.kernel.schemas import errors
from atrium.kernel.audit import client_ip
from atrium.kernel.errors import ActionError
from atrium.modules.drive import actions, queries
from atrium.modules.drive.actions.sharing import token_hash
from atrium.modules.drive.api.access import api_root
from atrium.modules.drive.api.schemas import (
    Cursor,
    InsideNode,
    Order,
    PageSize,
    SharedOut,
    SharedPage,
    ShareToken,
)
from atrium.modules.drive.api.streams import FILE_ANSWERS, node_bytes
from atrium.modules.drive.models import Node, ShareLink

router = Router(tags=["drive: public share links"], auth=None)

MAX_WRONG_PASSWORDS = 10
WINDOW_SECONDS = 600
clock = time.time  # tests move time by hand
HEADER_DOC = ("No account needed. If the link has a password, send it in the "
              "`X-Share-Password` header (401 `password_required` / `wrong_password` "
              "otherwise; 429 with `Retry-After` after too many wrong ones).")


def _counters(token: str, ip: str | None) -> list[str]:
    return [f"drive:share-pw:link:{token_hash(token)}", f"drive:share-pw:ip:{ip or '-'}"]


def _blocked_for(keys: list[str]) -> float | None:
    now = clock()
    waits = []
    for count, start in filter(None, (cache.get(key) for key in keys)):
        if count >= MAX_WRONG_PASSWORDS and start + WINDOW_SECONDS > now:
            waits.append(start + WINDOW_SECONDS - now)
    return max(waits) if waits else None


def _count_wrong(keys: list[str]) -> None:
    now = clock()
    for key in keys:
        count, start = cache.get(key) or (0, now)
        if start + WINDOW_SECONDS <= now:
            count, start = 0, now
        cache.set(key, (count + 1, start), WINDOW_SECONDS)


class Throttled(Exception):
    def __init__(self, wait: float) -> None:
        self.wait = wait


def _password(request: HttpRequest) -> str | None:
    given = request.headers.get("X-Share-Password")
    if given is None and request.method == "POST":
        given = request.POST.get("password")
    return given or None


def _open(request: HttpRequest, token: str) -> ShareLink:
    ip = client_ip(request)
    keys = _counters(token, ip)
    wait = _blocked_for(keys)
    if wait is not None:
        raise Throttled(wait)
    try:
        return actions.open_share_link(token, _password(request), ip=ip)
    except actions.SharePasswordError as refused:
        if refused.code == "wrong_password":
            _count_wrong(keys)
        raise


def _throttled(wait: float) -> HttpResponse:
    response = JsonResponse(error_body("throttled", _(
        "Too many wrong passwords for this link: try again in %(minutes)s minutes.")
        % {"minutes": math.ceil(wait / 60)}), status=429)
    response["Retry-After"] = str(math.ceil(wait))
    return response


def _node(link: ShareLink, node_id: int | None) -> Node:
    return link.node if node_id is None else queries.node_in_share(link, node_id)


def _shared_out(token: str, node: Node) -> dict[str, Any]:
    return {"id": node.pk, "kind": node.kind, "name": node.name, "size": node.size,
            "mime_type": node.mime_type, "updated_at": node.updated_at,
            "download_url": f"{api_root()}drive/shared/{token}/download?node_id={node.pk}"}


@router.get("/drive/shared/{token}", response={200: SharedOut, **errors(401, 404, 429)},
            summary="What a share link gives", description=HEADER_DOC)
def shared(request: HttpRequest, token: ShareToken) -> Any:
    try:
        link = _open(request, token)
    except Throttled as stop:
        return _throttled(stop.wait)
    return {"node": _shared_out(token, link.node), "expires_at": link.expires_at}


@router.get("/drive/shared/{token}/children",
            response={200: SharedPage, **errors(400, 401, 404, 429)},
            summary="List a shared folder",
            description="The shared folder, or `node_id` inside it; pages as the drive's own "
            "listing. " + HEADER_DOC)
def shared_children(request: HttpRequest, token: ShareToken, node_id: InsideNode = None,
                    order: Order = "name", cursor: Cursor = None,
                    limit: PageSize = 200) -> Any:
    try:
        link = _open(request, token)
    except Throttled as stop:
        return _throttled(stop.wait)
    folder = _node(link, node_id)
    if folder.kind != "folder":
        raise ActionError(_("This shared item is a file, not a folder."), code="not_a_folder")
    items, next_cursor = queries.list_children(folder, order, cursor, limit)
    return {"folder": _shared_out(token, folder),
            "items": [_shared_out(token, n) for n in items], "next_cursor": next_cursor}


def _download(request: HttpRequest, token: str, node_id: int | None, inline: bool) -> Any:
    try:
        link = _open(request, token)
    except Throttled as stop:
        return _throttled(stop.wait)
    node = _node(link, node_id)
    if node.kind == "file":
        node = Node.objects.select_related("current__blob", "space").get(pk=node.pk)
    return node_bytes(request, node, inline=inline)


@router.get("/drive/shared/{token}/download", response=errors(400, 401, 404, 429),
            openapi_extra=FILE_ANSWERS, summary="Download through a share link",
            description="The shared file, or `node_id` inside the shared folder; a folder "
            "comes as a ZIP streamed as it is made. Ranges and ETags as for any download. "
            + HEADER_DOC)
def shared_download(request: HttpRequest, token: ShareToken, node_id: InsideNode = None,
                    inline: bool = False) -> Any:
    return _download(request, token, node_id, inline)


@router.post("/drive/shared/{token}/download", response=errors(400, 401, 404, 429),
             openapi_extra=FILE_ANSWERS, summary="Download through a share link (form)",
             description="As the GET, for a browser's form: the password in the form field "
             "`password` (`application/x-www-form-urlencoded`).")
def shared_download_form(request: HttpRequest, token: ShareToken, node_id: InsideNode = None,
                         inline: bool = False) -> Any:
    return _download(request, token, node_id, inline)
