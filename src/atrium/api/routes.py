"""Assembles the API: the kernel's routers, then each module's declared router."""

from importlib import import_module

from atrium.api.core import api
from atrium.api.kernel import routers as kernel_routers
from atrium.api.uploads import router as uploads_router
from atrium.kernel import registry

for kernel_router in kernel_routers:
    api.add_router("/", kernel_router)
api.add_router("/", uploads_router)

for manifest in registry.all_modules():
    if manifest.api_router:
        module_path, _sep, attribute = manifest.api_router.partition(":")
        api.add_router("/", getattr(import_module(module_path), attribute))

__all__ = ["api"]
api.add_router("/", import_module("atrium.notifications.api_push").router)  # web push
api.add_router("/", import_module("atrium.notifications.api").router)  # notification centre
