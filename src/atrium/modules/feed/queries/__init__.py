"""Reads of the feed, always restricted to what the person may see."""

from atrium.modules.feed.queries.access import (
    access_attachment,
    access_comment,
    access_post,
    access_report,
)
from atrium.modules.feed.queries.feeds import (
    FeedItem,
    FeedPage,
    ModuleItem,
    author_feed,
    export_space,
    hashtag_feed,
    home_feed,
    recent_posts,
    space_feed,
)
from atrium.modules.feed.queries.others import (
    announcements,
    confirmation_status,
    reports_open,
    search_posts,
)
from atrium.modules.feed.queries.views import CommentView, PollView, PostView, hydrate_posts

__all__ = [
    "CommentView",
    "FeedItem",
    "FeedPage",
    "ModuleItem",
    "PollView",
    "PostView",
    "access_attachment",
    "access_comment",
    "access_post",
    "access_report",
    "announcements",
    "author_feed",
    "confirmation_status",
    "export_space",
    "hashtag_feed",
    "home_feed",
    "hydrate_posts",
    "recent_posts",
    "reports_open",
    "search_posts",
    "space_feed",
]
