"""The one write path of the feed: every change goes through a `do_*` function here."""

from atrium.modules.feed.actions.announcements import do_confirm, do_pin, do_unpin
from atrium.modules.feed.actions.comments import (
    do_comment,
    do_delete_comment,
    do_edit_comment,
)
from atrium.modules.feed.actions.moderation import (
    do_hide,
    do_report,
    do_resolve_report,
    do_unhide,
)
from atrium.modules.feed.actions.posts import (
    PollSpec,
    do_create_post,
    do_delete_post,
    do_edit_post,
    do_share_post,
)
from atrium.modules.feed.actions.reactions import check_emoji, do_react, do_vote

__all__ = [
    "PollSpec",
    "check_emoji",
    "do_comment",
    "do_confirm",
    "do_create_post",
    "do_delete_comment",
    "do_delete_post",
    "do_edit_comment",
    "do_edit_post",
    "do_hide",
    "do_pin",
    "do_react",
    "do_report",
    "do_resolve_report",
    "do_share_post",
    "do_unhide",
    "do_unpin",
    "do_vote",
]
