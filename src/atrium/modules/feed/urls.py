"""The feed inside a space: /s/<space>/feed/ (the space's feed, one post, every form)."""

from django.urls import path

from atrium.modules.feed.views import comments, moderation, pages, posts

app_name = "feed"
one = "<int:post_id>/"
comment = "comments/<int:comment_id>/"
urlpatterns = [
    path("", pages.space_feed, name="space"),
    path("reports/", moderation.reports, name="reports"),
    path("reports/<int:report_id>/resolve/", moderation.resolve, name="resolve_report"),
    path(one, posts.post, name="post"),
    path(f"{one}edit/", posts.edit, name="edit"),
    path(f"{one}delete/", posts.delete, name="delete"),
    path(f"{one}react/", posts.react, name="react"),
    path(f"{one}vote/", posts.vote, name="vote"),
    path(f"{one}share/", posts.share, name="share"),
    path(f"{one}pin/", posts.pin, name="pin"),
    path(f"{one}confirm/", posts.confirm, name="confirm"),
    path(f"{one}confirmations/", moderation.confirmations, name="confirmations"),
    path(f"{one}hide/", posts.hide, name="hide"),
    path(f"{one}report/", posts.report, name="report"),
    path(f"{one}comment/", comments.add, name="comment"),
    path(f"{one}files/<int:attachment_id>", posts.file, name="file"),
    path(f"{comment}edit/", comments.edit, name="comment_edit"),
    path(f"{comment}delete/", comments.delete, name="comment_delete"),
    path(f"{comment}react/", comments.react, name="comment_react"),
    path(f"{comment}hide/", comments.hide, name="comment_hide"),
    path(f"{comment}report/", comments.report, name="comment_report"),
]
