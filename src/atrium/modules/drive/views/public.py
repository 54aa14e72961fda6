"""The public pages of a share link (no account): /drive/share/<token>/.

Every request, page or bytes, opens the link again through `open_share_link` (audited, and
refused the moment the link is revoked or expires). A password once given is kept in the
visitor's session (server side) for the following requests. The token is in the address:
these answers send no Referer to other sites (same-origin: a
form still sends its Origin, which the CSRF check needs) and ask search engines not to index them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from atrium.kernel.errors import NotFound
from atrium.modules.drive import queries
from atrium.modules.drive.actions import SharePasswordError, open_share_link
from atrium.modules.drive.actions.sharing import token_hash
from atrium.modules.drive.models import Node, ShareLink
from atrium.modules.drive.views.common import client_ip, module_on
from atrium.modules.drive.views.files import serve_node, serve_thumbnail, serve_zip
from atrium.modules.drive.views.pages import PAGE, preview_kind, text_preview

SESSION_KEY = "drive_share_passwords"


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response.setdefault("Cache-Control", "private, no-store")
    return response


def _password_page(request: HttpRequest, token: str, error: SharePasswordError | None,
                   status: int = 401) -> HttpResponseBase:
    return _private(TemplateResponse(request, "drive/share_password.html", {
        "token": token, "error": error if error and error.code == "wrong_password" else None,
    }, status=status))


def _open(request: HttpRequest, token: str) -> ShareLink:
    module_on()
    passwords = request.session.get(SESSION_KEY, {})
    return open_share_link(token, passwords.get(token_hash(token)), ip=client_ip(request))


def _item(link: ShareLink, node_id: int | None) -> Node:
    if node_id is None or node_id == link.node_id:
        node = Node.objects.select_related("space").get(pk=link.node_id)
    else:
        node = queries.node_in_share(link, node_id)
    return node


def _urls(token: str, node: Node) -> dict[str, str]:
    kwargs: dict[str, Any] = {"token": token, "node_id": node.pk}
    return {name: reverse(f"drive_root:share_{name}", kwargs=kwargs)
            for name in ("node", "download", "view", "zip")}


def share_page(request: HttpRequest, token: str, node_id: int | None = None) -> HttpResponseBase:
    """The shared file (preview and download) or folder (listing and ZIP); the password
    form when the link needs one."""
    if request.method == "POST":
        return _submit_password(request, token)
    try:
        link = _open(request, token)
    except SharePasswordError as error:
        return _password_page(request, token, error)
    node = _item(link, node_id)
    context: dict[str, Any] = {"link": link, "node": node, "token": token,
                               "urls": _urls(token, node), "shared_root": link.node}
    if node.is_folder:
        cursor = request.GET.get("cursor") or None
        try:
            items, more = queries.list_children(node, "name", cursor, PAGE)
        except Exception:  # a forged cursor: the first page
            items, more = queries.list_children(node, "name", None, PAGE)
        context.update({"rows": [(item, _urls(token, item)) for item in items],
                        "more": more, "crumbs": _share_crumbs(link, node, token)})
    else:
        node = Node.objects.select_related("current__blob").get(pk=node.pk)
        kind = preview_kind(node.mime_type)
        text, cut = text_preview(node) if kind == "text" else ("", False)
        context.update({"node": node, "kind": kind, "text": text, "text_cut": cut,
                        "crumbs": _share_crumbs(link, node, token)})
    return _private(TemplateResponse(request, "drive/share.html", context))


def _share_crumbs(link: ShareLink, node: Node, token: str) -> list[tuple[str, str]]:
    """From the shared item down to `node`: (name, address)."""
    chain: list[Node] = [node]
    while chain[-1].pk != link.node_id and chain[-1].parent_id is not None and len(chain) < 70:
        chain.append(Node.objects.get(pk=chain[-1].parent_id))
    return [(item.name, _urls(token, item)["node"]) for item in reversed(chain)]


def _submit_password(request: HttpRequest, token: str) -> HttpResponseBase:
    module_on()
    password = request.POST.get("password", "")[:200]
    try:
        open_share_link(token, password, ip=client_ip(request))
    except SharePasswordError as error:
        return _password_page(request, token, error)
    passwords = dict(request.session.get(SESSION_KEY, {}))
    passwords[token_hash(token)] = password
    request.session[SESSION_KEY] = dict(list(passwords.items())[-20:])
    return _private(redirect(reverse("drive_root:share", kwargs={"token": token})))


def _bytes(request: HttpRequest, token: str, node_id: int, what: str) -> HttpResponseBase:
    try:
        link = _open(request, token)
    except SharePasswordError:
        return _private(redirect(reverse("drive_root:share", kwargs={"token": token})))
    node = _item(link, node_id)
    if what == "zip":
        return _private(serve_zip(request, node))
    if what == "thumb":
        return _private(serve_thumbnail(request, node))
    if node.is_folder:
        raise NotFound("file")
    node = Node.objects.select_related("current").get(pk=node.pk)
    return _private(serve_node(request, node, inline=what == "view"))


def share_download(request: HttpRequest, token: str, node_id: int) -> HttpResponseBase:
    return _bytes(request, token, node_id, "download")


def share_view(request: HttpRequest, token: str, node_id: int) -> HttpResponseBase:
    return _bytes(request, token, node_id, "view")


def share_zip(request: HttpRequest, token: str, node_id: int) -> HttpResponseBase:
    return _bytes(request, token, node_id, "zip")

