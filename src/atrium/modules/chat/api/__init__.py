"""The chat's part of the HTTP API, under /api/v1/chat/ (see each router's module)."""

from ninja import Router

from atrium.modules.chat.api import channels, messages, more

router = Router()
router.add_router("", channels.router)
router.add_router("", messages.router)
router.add_router("", more.router)

__all__ = ["router"]
