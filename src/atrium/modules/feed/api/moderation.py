"""Announcements (pin, read confirmations) and moderation (hide, report, resolve).

Pinning and hiding are for the space's admins; anyone who reads a post may report it; the
reports of a space and who confirmed an announcement are shown to those the domain allows
(the space's admins and the organisation's, and the author for confirmations).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import SpaceId, errors
from atrium.modules.feed import actions, queries
from atrium.modules.feed.api.access import (
    comment_of,
    feed_space,
    fields_named,
    moderated_report,
    seen_comment,
    seen_post,
)
from atrium.modules.feed.api.present import (
    comment_answer,
    confirmation_out,
    person_ref,
    post_answer,
    report_out,
)
from atrium.modules.feed.api.schemas import (
    CommentId,
    CommentOut,
    ConfirmationOut,
    ConfirmationsOut,
    PinIn,
    PostId,
    PostOut,
    ReportId,
    ReportIn,
    ReportOut,
    ResolveIn,
)

router = Router(tags=["feed"])


# Announcements -----------------------------------------------------------------------------

@router.post("/feed/posts/{post_id}/pin", response={200: PostOut, **errors(400, 403, 404)},
             summary="Pin a post as an announcement",
             description="The space's admins. `requires_confirmation` asks each member to "
             "confirm reading it; `until` unpins it by itself.")
def pin(request: HttpRequest, post_id: PostId, payload: PinIn) -> dict[str, Any]:
    user = viewer(request)
    post = seen_post(user, post_id)
    actions.do_pin(user, post, requires_confirmation=payload.requires_confirmation,
                   until=payload.until)
    return post_answer(user, post)


@router.delete("/feed/posts/{post_id}/pin", response={200: PostOut, **errors(403, 404)},
               summary="Unpin an announcement", description="The space's admins.")
def unpin(request: HttpRequest, post_id: PostId) -> dict[str, Any]:
    user = viewer(request)
    post = seen_post(user, post_id)
    actions.do_unpin(user, post)
    return post_answer(user, post)


@router.post("/feed/posts/{post_id}/confirm",
             response={200: ConfirmationOut, **errors(400, 403, 404)},
             summary="Confirm I read an announcement",
             description="For announcements that ask for it; confirming twice changes nothing.")
def confirm(request: HttpRequest, post_id: PostId) -> dict[str, Any]:
    user = viewer(request)
    return confirmation_out(actions.do_confirm(user, seen_post(user, post_id)))


@router.get("/feed/posts/{post_id}/confirmations",
            response={200: ConfirmationsOut, **errors(403, 404)},
            summary="Who confirmed an announcement, and who has not yet",
            description="Its author, the space's admins and the organisation's admins.")
def confirmations(request: HttpRequest, post_id: PostId) -> dict[str, Any]:
    user = viewer(request)
    confirmed, pending = queries.confirmation_status(user, seen_post(user, post_id))
    return {"confirmed": [person_ref(p) for p in confirmed],
            "pending": [person_ref(p) for p in pending]}


# Hiding ------------------------------------------------------------------------------------

HIDE_DOC = "The space's admins. Hidden content stays, shown to them only."


@router.post("/feed/posts/{post_id}/hide", response={200: PostOut, **errors(403, 404)},
             summary="Hide a post", description=HIDE_DOC)
def hide_post(request: HttpRequest, post_id: PostId) -> dict[str, Any]:
    user = viewer(request)
    post = seen_post(user, post_id)
    actions.do_hide(user, post)
    return post_answer(user, post)


@router.delete("/feed/posts/{post_id}/hide", response={200: PostOut, **errors(403, 404)},
               summary="Show a hidden post again", description=HIDE_DOC)
def unhide_post(request: HttpRequest, post_id: PostId) -> dict[str, Any]:
    user = viewer(request)
    post = seen_post(user, post_id)
    actions.do_unhide(user, post)
    return post_answer(user, post)


@router.post("/feed/comments/{comment_id}/hide", response={200: CommentOut, **errors(403, 404)},
             summary="Hide a comment", description=HIDE_DOC)
def hide_comment(request: HttpRequest, comment_id: CommentId) -> dict[str, Any]:
    user = viewer(request)
    comment = seen_comment(user, comment_id)
    actions.do_hide(user, comment)
    return comment_answer(user, comment)


@router.delete("/feed/comments/{comment_id}/hide",
               response={200: CommentOut, **errors(403, 404)},
               summary="Show a hidden comment again", description=HIDE_DOC)
def unhide_comment(request: HttpRequest, comment_id: CommentId) -> dict[str, Any]:
    user = viewer(request)
    comment = seen_comment(user, comment_id)
    actions.do_unhide(user, comment)
    return comment_answer(user, comment)


# Reports -----------------------------------------------------------------------------------

@router.post("/feed/posts/{post_id}/report",
             response={201: ReportOut, **errors(400, 403, 404)},
             summary="Report a post or one of its comments",
             description="Anyone who reads it; the space's admins see the report.")
def report(request: HttpRequest, post_id: PostId, payload: ReportIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    post = seen_post(user, post_id)
    comment = comment_of(post, payload.comment_id, "comment_id")
    with fields_named(comment="comment_id"):
        made = actions.do_report(user, post, comment=comment, reason=payload.reason)
    return Status(201, report_out(made))


@router.get("/spaces/{space_id}/reports", response={200: list[ReportOut], **errors(403, 404)},
            summary="Open reports of a space", description="For the space's admins.")
def open_reports(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    user = viewer(request)
    space = feed_space(user, space_id)
    return [report_out(r) for r in queries.reports_open(user, space)]


@router.post("/feed/reports/{report_id}/resolve",
             response={200: ReportOut, **errors(400, 403, 404, 409)},
             summary="Resolve a report",
             description="`hidden` hides the reported content; `dismissed` keeps it.")
def resolve(request: HttpRequest, report_id: ReportId, payload: ResolveIn) -> dict[str, Any]:
    user = viewer(request)
    found = moderated_report(user, report_id)
    actions.do_resolve_report(user, found, resolution=payload.resolution)
    found.refresh_from_db()
    return report_out(found)
