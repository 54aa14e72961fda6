"""Reading feeds: the home feed, a space's, a person's, a hashtag's, search, announcements.

Every list is a page of items, newest first, continued with the opaque `next_cursor` passed
back as `before`. An item is a post of the feed or another module's content (a file added to
a drive, a link saved), each only where the caller may read it now.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import SpaceId, errors
from atrium.modules.feed import queries
from atrium.modules.feed.api.access import feed_space, seen_person
from atrium.modules.feed.api.present import page_out, post_out
from atrium.modules.feed.api.schemas import (
    Before,
    FeedPageOut,
    HashtagName,
    Order,
    PageSize,
    PostOut,
    SearchLimit,
    SearchText,
    UserId,
)

router = Router(tags=["feed"])

PAGING = ("Newest first, `limit` items at a time; continue with `before=<next_cursor>` "
          "until `next_cursor` is null. An item is a post (`type: post`) or another "
          "module's content (`type: module`).")


@router.get("/feed/home", response={200: FeedPageOut, **errors(400)},
            summary="My home feed",
            description="Posts and other content of the spaces I belong to, and of the people "
            "I follow in spaces I may read. " + PAGING + " `order=activity` puts the most "
            "recently commented first.")
def home_feed(request: HttpRequest, order: Order = "recent", before: Before = None,
              limit: PageSize = 20) -> dict[str, Any]:
    user = viewer(request)
    return page_out(user, queries.home_feed(user, order=order, before=before, limit=limit))


@router.get("/spaces/{space_id}/feed", response={200: FeedPageOut, **errors(400, 404)},
            summary="The feed of a space", description=PAGING)
def space_feed(request: HttpRequest, space_id: SpaceId, order: Order = "recent",
               before: Before = None, limit: PageSize = 20) -> dict[str, Any]:
    user = viewer(request)
    space = feed_space(user, space_id)
    return page_out(user, queries.space_feed(user, space, order=order, before=before,
                                             limit=limit))


@router.get("/people/{user_id}/feed", response={200: FeedPageOut, **errors(400, 404)},
            summary="What a person posted",
            description="Only in the spaces I may read. " + PAGING)
def person_feed(request: HttpRequest, user_id: UserId, before: Before = None,
                limit: PageSize = 20) -> dict[str, Any]:
    user = viewer(request)
    author = seen_person(user, user_id)
    return page_out(user, queries.author_feed(user, author, before=before, limit=limit))


@router.get("/feed/hashtags/{name}", response={200: FeedPageOut, **errors(400)},
            summary="Posts with a hashtag",
            description="In the spaces I may read; the name is matched without regard to "
            "case. " + PAGING)
def hashtag_feed(request: HttpRequest, name: HashtagName, before: Before = None,
                 limit: PageSize = 20) -> dict[str, Any]:
    user = viewer(request)
    return page_out(user, queries.hashtag_feed(user, name.removeprefix("#"), before=before,
                                               limit=limit))


@router.get("/feed/search", response={200: list[PostOut], **errors(400)},
            summary="Search posts",
            description="Posts whose text holds the words, in the spaces I may read, newest "
            "first.")
def search(request: HttpRequest, q: SearchText, limit: SearchLimit = 20) -> list[dict[str, Any]]:
    user = viewer(request)
    return [post_out(user, view) for view in queries.search_posts(user, q, limit=limit)]


@router.get("/feed/announcements", response={200: list[PostOut]},
            summary="Announcements of my spaces",
            description="Pinned posts still valid, in the spaces I may read, newest first.")
def my_announcements(request: HttpRequest) -> list[dict[str, Any]]:
    user = viewer(request)
    return [post_out(user, view) for view in queries.announcements(user)]


@router.get("/spaces/{space_id}/announcements", response={200: list[PostOut], **errors(404)},
            summary="Announcements of a space",
            description="Its pinned posts still valid, newest first.")
def space_announcements(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    user = viewer(request)
    space = feed_space(user, space_id)
    return [post_out(user, view) for view in queries.announcements(user, space)]
