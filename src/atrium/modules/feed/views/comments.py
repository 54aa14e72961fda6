"""Comments under a post: write, reply (one level), edit, delete, react, hide, report.

Scripts get the post's fragment back, so the comment list, the count and the forms are
redrawn as the server sees them; plain forms go back to the comment on the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, NotFound
from atrium.modules.feed import actions, queries
from atrium.modules.feed.models import Comment
from atrium.modules.feed.views.common import (
    back_to,
    failed,
    feed_view,
    from_script,
    int_or_none,
    post_url,
)
from atrium.modules.feed.views.posts import action_page, post_in, render_post
from atrium.web.types import AuthedRequest


def comment_in(request: AuthedRequest, space_slug: str, comment_id: int) -> Comment:
    comment = queries.access_comment(request.user, comment_id)
    if comment.post.space.slug != space_slug:
        raise NotFound("comment")
    return comment


def _back(request: AuthedRequest, comment: Comment | None, post: Any) -> HttpResponse:
    if from_script(request):
        return render_post(request, post)
    anchor = f"comment-{comment.pk}" if comment is not None else f"post-{post.pk}"
    return redirect(back_to(request, post_url(post), anchor))


@feed_view
@require_POST
def add(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    post = post_in(request, space_slug, post_id)
    parent_id = int_or_none(request.POST.get("parent"))
    try:
        parent = None
        if parent_id is not None:
            parent = queries.access_comment(request.user, parent_id)
            if parent.post_id != post.pk:
                raise NotFound("comment")
        comment = actions.do_comment(request.user, post, body=request.POST.get("body", ""),
                                     parent=parent)
    except ActionError as error:
        return failed(request, error, back_to(request, post_url(post), f"post-{post.pk}"))
    return _back(request, comment, post)


def _simple(request: AuthedRequest, space_slug: str, comment_id: int, call: Any,
            done: str = "") -> HttpResponse:
    comment = comment_in(request, space_slug, comment_id)
    post = comment.post
    try:
        call(comment)
    except ActionError as error:
        return failed(request, error, back_to(request, post_url(post), f"comment-{comment.pk}"))
    if done and not from_script(request):
        messages.success(request, done)
    return _back(request, comment, post)


@feed_view
def edit(request: AuthedRequest, space_slug: str, comment_id: int) -> HttpResponse:
    comment = comment_in(request, space_slug, comment_id)
    if not abilities(request.user, comment).get("edit"):
        raise NotFound("comment")
    back = back_to(request, post_url(comment.post))
    if request.method == "POST":
        try:
            actions.do_edit_comment(request.user, comment, body=request.POST.get("body", ""))
        except ActionError as error:
            if from_script(request):
                return failed(request, error, back)
            return TemplateResponse(request, "feed/edit_comment.html", {
                "comment": comment, "body": request.POST.get("body", ""),
                "form_error": error, "next": back}, status=error.status)
        messages.success(request, _("Comment updated."))
        return _back(request, comment, comment.post)
    return TemplateResponse(request, "feed/edit_comment.html", {
        "comment": comment, "body": comment.body, "next": back})


@feed_view
@require_POST
def delete(request: AuthedRequest, space_slug: str, comment_id: int) -> HttpResponse:
    return _simple(request, space_slug, comment_id,
                   lambda c: actions.do_delete_comment(request.user, c), _("Comment deleted."))


@feed_view
@require_POST
def react(request: AuthedRequest, space_slug: str, comment_id: int) -> HttpResponse:
    emoji = request.POST.get("emoji", "")
    return _simple(request, space_slug, comment_id,
                   lambda c: actions.do_react(request.user, c, emoji))


@feed_view
@require_POST
def hide(request: AuthedRequest, space_slug: str, comment_id: int) -> HttpResponse:
    if request.POST.get("hidden", "1") == "1":
        return _simple(request, space_slug, comment_id,
                       lambda c: actions.do_hide(request.user, c), _("Comment hidden."))
    return _simple(request, space_slug, comment_id,
                   lambda c: actions.do_unhide(request.user, c), _("Comment shown again."))


@feed_view
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, space_slug: str, comment_id: int) -> HttpResponse:
    if request.method == "GET":
        comment = comment_in(request, space_slug, comment_id)
        return action_page(request, comment.post, "report", comment)
    return _simple(request, space_slug, comment_id,
                   lambda c: actions.do_report(request.user, c.post, comment=c,
                                               reason=request.POST.get("reason", "")),
                   _("Thank you: the space's admins will look at it."))
