"""Writing in the feed: create, edit, delete, share, pin, confirm, hide, report, react, vote.

Every view is a thin call to an action. The page's scripts get the post's fragment back (or
the one JSON error shape); plain forms get a redirect to the post's place on the page they
came from, with the action's message on a refusal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_POST

from atrium.kernel import previews
from atrium.kernel.access import access_space_module
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.downloads import POLICY, blob_response
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Access
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.modules.feed import actions, queries
from atrium.modules.feed.actions import PollSpec
from atrium.modules.feed.models import Post
from atrium.modules.feed.views.common import (
    EMOJI,
    MODULE,
    back_to,
    failed,
    feed_view,
    from_script,
    int_or_none,
    js_strings,
    post_url,
)
from atrium.modules.feed.views.pages import composer_spaces, render_home, render_space
from atrium.modules.feed.views.present import post_view
from atrium.web.types import AuthedRequest

THUMBS = (512, 1024)  # a gallery's tiles and a single image


def post_in(request: AuthedRequest, space_slug: str, post_id: int) -> Post:
    """The post if the person may read it and it belongs to the space of the address; a post
    of another space answers as a missing one."""
    post = queries.access_post(request.user, post_id)
    if post.space.slug != space_slug:
        raise NotFound("post")
    return post


def answer(request: AuthedRequest, post: Post, status: int = 200) -> HttpResponse:
    """The post's fragment for the page's scripts, else back to it on the page we came from."""
    if from_script(request):
        return render_post(request, post, status=status)
    return redirect(back_to(request, post_url(post), f"post-{post.pk}"))


def render_post(request: AuthedRequest, post: Post, status: int = 200,
                full: bool = False) -> HttpResponse:
    post = queries.access_post(request.user, post.pk)  # as it is now, after an action
    view = post_view(request.user, post, all_comments=full)
    return TemplateResponse(request, "feed/_post.html", {
        "item": view, "emoji": EMOJI, "full": full,
        "here": back_to(request, post_url(post)),
    }, status=status)


def _deadline(value: str, field: str) -> Any:
    """A date or a date and time from a form (the browser's local time), or None."""
    value = (value or "").strip()
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ActionError(_("Enter a valid date."), code="invalid", field=field)
        moment = parse_datetime(f"{day.isoformat()}T23:59")
    if moment is not None and is_naive(moment):
        moment = make_aware(moment, get_current_timezone())
    return moment


def poll_from(request: AuthedRequest) -> PollSpec | None:
    options = [o.strip() for o in request.POST.getlist("poll_option") if o.strip()]
    if not options and request.POST.get("poll") != "1":
        return None
    return PollSpec(options=options, multiple=request.POST.get("poll_multiple") == "1",
                    closes_at=_deadline(request.POST.get("poll_closes_at", ""), "poll.closes_at"))


def _too_large() -> UploadTooLarge:
    return UploadTooLarge(_("The file is too large (at most %(limit)s MB).")
                          % {"limit": upload_limit() // (1024 * 1024)},
                          code="too_large", field="files")


@feed_view
@require_POST
def create(request: AuthedRequest) -> HttpResponseBase:
    """A new post from a composer (home page, or a space's feed with its space fixed)."""
    user = request.user
    space_id = int_or_none(request.POST.get("space"))
    fixed = request.POST.get("fixed") == "1"
    form = {"body": request.POST.get("body", ""), "space": space_id,
            "options": [o for o in request.POST.getlist("poll_option") if o.strip()]}
    space = None
    try:
        if space_id is None:
            raise ActionError(_("Choose the space to post in."), code="required", field="space")
        space = access_space_module(user, space_id, MODULE, Access.READ)
        if upload_refused(request):
            raise _too_large()
        announce = request.POST.get("announce") == "1"
        post = actions.do_create_post(
            user, space, body=request.POST.get("body", ""),
            images=request.FILES.getlist("images"), files=request.FILES.getlist("files"),
            poll=poll_from(request), announce=announce,
            requires_confirmation=announce and request.POST.get("confirm") == "1",
            pinned_until=_deadline(request.POST.get("pinned_until", ""), "pinned_until")
            if announce else None)
    except NotFound:
        error = ActionError(_("Choose the space to post in."), code="invalid", field="space")
        return _refused(request, error, form, None, fixed)
    except ActionError as error:
        return _refused(request, error, form, space, fixed)
    if from_script(request):
        return render_post(request, post, status=201)
    messages.success(request, _("Posted."))
    return redirect(back_to(request, post_url(post), f"post-{post.pk}"))


def _refused(request: AuthedRequest, error: ActionError, form: dict[str, Any],
             space: Any, fixed: bool) -> HttpResponse:
    """The composer's page again, with what was typed and the message next to the field."""
    if from_script(request):
        return failed(request, error, "/")
    if fixed and space is not None:
        return render_space(request, space, form=form, error=error, status=error.status)
    return render_home(request, form=form, error=error, status=error.status)


@feed_view
@gzip_page
def post(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    """One post with all its comments; `?partial=1` gives its fragment (live updates)."""
    found = post_in(request, space_slug, post_id)
    if request.GET.get("partial") == "1":
        return render_post(request, found)
    from atrium.modules.feed.views.pages import space_page_context

    context = space_page_context(request, found.space, "recent")
    context.update({"item": post_view(request.user, found, all_comments=True),
                    "emoji": EMOJI, "here": post_url(found), "full": True,
                    "feed_strings": js_strings()})
    return TemplateResponse(request, "feed/post.html", context)


@feed_view
def edit(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    found = post_in(request, space_slug, post_id)
    view = post_view(request.user, found)
    if not view.can.get("edit"):
        raise NotFound("post")
    if request.method == "POST":
        try:
            found = actions.do_edit_post(request.user, found, body=request.POST.get("body", ""))
        except ActionError as error:
            if from_script(request):
                return failed(request, error, post_url(found))
            return TemplateResponse(request, "feed/edit_post.html", {
                "item": view, "body": request.POST.get("body", ""), "form_error": error,
                "next": back_to(request, post_url(found))}, status=error.status)
        messages.success(request, _("Post updated."))
        return answer(request, found)
    return TemplateResponse(request, "feed/edit_post.html", {
        "item": view, "body": found.body, "next": back_to(request, post_url(found))})


def _simple(request: AuthedRequest, space_slug: str, post_id: int, call: Any,
            done: str = "") -> HttpResponse:
    found = post_in(request, space_slug, post_id)
    try:
        call(found)
    except ActionError as error:
        return failed(request, error, back_to(request, post_url(found), f"post-{found.pk}"))
    if done and not from_script(request):
        messages.success(request, done)
    found.refresh_from_db()
    return answer(request, found)


@feed_view
@require_POST
def delete(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    found = post_in(request, space_slug, post_id)
    try:
        actions.do_delete_post(request.user, found)
    except ActionError as error:
        return failed(request, error, back_to(request, post_url(found), f"post-{found.pk}"))
    if from_script(request):
        return HttpResponse(status=204)
    messages.success(request, _("Post deleted."))
    home = reverse("feed:space", kwargs={"space_slug": found.space.slug})
    target = back_to(request, home)
    return redirect(home if target.startswith(post_url(found)) else target)


@feed_view
@require_POST
def react(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    emoji = request.POST.get("emoji", "")
    return _simple(request, space_slug, post_id,
                   lambda p: actions.do_react(request.user, p, emoji))


@feed_view
@require_POST
def vote(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    def call(found: Post) -> None:
        poll = getattr(found, "poll", None)
        if poll is None:
            raise ActionError(_("This post has no poll."), code="invalid", field="option")
        chosen = [i for i in map(int_or_none, request.POST.getlist("option")) if i]
        actions.do_vote(request.user, poll, chosen)

    return _simple(request, space_slug, post_id, call, _("Your vote is recorded."))


def action_page(request: AuthedRequest, post: Post, action: str,
                comment: Any = None) -> HttpResponse:
    """The form of an action with choices (share, pin, report), on a page of its own so that
    feed cards stay light; shown only when the person may do it."""
    from atrium.kernel.abilities import abilities

    view = post_view(request.user, post)
    allowed = abilities(request.user, comment)[action] if comment is not None \
        else view.can.get(action)
    if not allowed:
        raise NotFound("post")
    return TemplateResponse(request, "feed/action.html", {
        "item": view, "action": action, "comment": comment, "emoji": EMOJI,
        "here": post_url(post), "next": back_to(request, post_url(post), f"post-{post.pk}"),
        "share_spaces": composer_spaces(request.user) if action == "share" else [],
    })


@feed_view
@require_http_methods(["GET", "POST"])
def share(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    found = post_in(request, space_slug, post_id)
    if request.method == "GET":
        return action_page(request, found, "share")
    back = back_to(request, post_url(found), f"post-{found.pk}")
    try:
        target_id = int_or_none(request.POST.get("space"))
        if target_id is None:
            raise ActionError(_("Choose the space to share into."), code="required",
                              field="space")
        try:
            target = access_space_module(request.user, target_id, MODULE, Access.READ)
        except NotFound:
            raise ActionError(_("Choose the space to share into."), code="invalid",
                              field="space") from None
        shared = actions.do_share_post(request.user, found, target,
                                       body=request.POST.get("body", ""))
    except ActionError as error:
        return failed(request, error, back)
    if from_script(request):
        return render_post(request, shared, status=201)
    messages.success(request, _("Shared."))
    return redirect(post_url(shared) if request.POST.get("go") == "1" else back)


@feed_view
@require_http_methods(["GET", "POST"])
def pin(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    if request.method == "GET":
        return action_page(request, post_in(request, space_slug, post_id), "pin")
    if request.POST.get("pinned", "1") != "1":
        return _simple(request, space_slug, post_id,
                       lambda p: actions.do_unpin(request.user, p), _("Announcement removed."))

    def call(found: Post) -> None:
        actions.do_pin(request.user, found,
                       requires_confirmation=request.POST.get("confirm") == "1",
                       until=_deadline(request.POST.get("until", ""), "until"))

    return _simple(request, space_slug, post_id, call, _("Pinned as an announcement."))


@feed_view
@require_POST
def confirm(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    return _simple(request, space_slug, post_id,
                   lambda p: actions.do_confirm(request.user, p),
                   _("Thank you: your reading is confirmed."))


@feed_view
@require_POST
def hide(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    if request.POST.get("hidden", "1") == "1":
        return _simple(request, space_slug, post_id,
                       lambda p: actions.do_hide(request.user, p), _("Post hidden."))
    return _simple(request, space_slug, post_id,
                   lambda p: actions.do_unhide(request.user, p), _("Post shown again."))


@feed_view
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    if request.method == "GET":
        return action_page(request, post_in(request, space_slug, post_id), "report")
    return _simple(request, space_slug, post_id,
                   lambda p: actions.do_report(request.user, p,
                                               reason=request.POST.get("reason", "")),
                   _("Thank you: the space's admins will look at it."))


@feed_view
def file(request: AuthedRequest, space_slug: str, post_id: int,
         attachment_id: int) -> HttpResponseBase:
    """An image or a file of a post, to those who may read the post now; `?s=512` (or 1024)
    gives an image's WebP thumbnail, made once and kept in the blob store, so a gallery never
    loads a camera's full-size photo."""
    attachment, blob = queries.access_attachment(request.user, attachment_id)
    if attachment.post_id != post_id or attachment.post.space.slug != space_slug:
        raise NotFound("attachment")
    size = int_or_none(request.GET.get("s"))
    if size is not None:
        data = previews.thumbnail(blob, size) if attachment.is_image and size in THUMBS \
            else None
        if not data:
            raise NotFound("thumbnail")
        thumb = HttpResponse(data, content_type="image/webp")
        thumb["Cache-Control"] = "private, max-age=86400"
        thumb["X-Content-Type-Options"] = "nosniff"
        thumb["Content-Security-Policy"] = POLICY
        thumb["Cross-Origin-Resource-Policy"] = "same-origin"
        return thumb
    response = blob_response(request, blob, attachment.name, inline=attachment.is_image)
    if response.status_code in (200, 206, 304):
        response["Cache-Control"] = "private, max-age=3600"
    return response
