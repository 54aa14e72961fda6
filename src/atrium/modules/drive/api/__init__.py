"""The drive's part of the HTTP API, under /api/v1/drive/ (see each router's module)."""

from ninja import Router

from atrium.modules.drive.api import files, nodes, shared, sharing

router = Router()
router.add_router("", nodes.router)
router.add_router("", files.router)
router.add_router("", sharing.router)
router.add_router("", shared.router)

__all__ = ["router"]
