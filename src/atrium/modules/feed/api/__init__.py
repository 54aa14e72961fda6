"""The feed's part of the HTTP API, under /api/v1 (see each router's module)."""

from ninja import Router

from atrium.modules.feed.api import comments, feeds, moderation, posts

router = Router()
router.add_router("", feeds.router)
router.add_router("", posts.router)
router.add_router("", comments.router)
router.add_router("", moderation.router)

__all__ = ["router"]
