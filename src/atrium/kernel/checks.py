"""Start-up checks: every module manifest must hold together before Atrium serves."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.checks import Error, Tags, register

from atrium.kernel import registry


def _resolve(path: str) -> Any:
    module_path, _sep, attribute = path.partition(":")
    module = import_module(module_path)
    return getattr(module, attribute) if attribute else module


@register(Tags.urls)
def check_module_manifests(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for manifest in registry.all_modules():
        where = f"module {manifest.id!r}"
        if manifest.urls:
            try:
                urls = _resolve(manifest.urls)
                if not hasattr(urls, "urlpatterns"):
                    raise AttributeError("no urlpatterns")
            except Exception as error:
                errors.append(Error(f"{where}: urls {manifest.urls!r} cannot be loaded: {error}",
                                    id="atrium.E001"))
        if manifest.root_urls:
            try:
                if not hasattr(_resolve(manifest.root_urls), "urlpatterns"):
                    raise AttributeError("no urlpatterns")
            except Exception as error:
                errors.append(Error(f"{where}: root_urls {manifest.root_urls!r} cannot be "
                                    f"loaded: {error}", id="atrium.E001"))
        if manifest.api_router:
            try:
                from ninja import Router

                if not isinstance(_resolve(manifest.api_router), Router):
                    raise TypeError("not a ninja Router")
            except Exception as error:
                errors.append(Error(f"{where}: api_router {manifest.api_router!r}: {error}",
                                    id="atrium.E002"))
        if manifest.top_nav and not manifest.root_urls:
            errors.append(Error(f"{where}: top_nav needs root_urls", id="atrium.E006"))
        if manifest.nav and not manifest.urls:
            errors.append(Error(f"{where}: declares navigation but no urls", id="atrium.E003"))
        for event_type in manifest.event_types:
            if not getattr(event_type, "type", "").startswith(manifest.id + "."):
                errors.append(Error(f"{where}: event {event_type.__name__} must have a type "
                                    f"starting with '{manifest.id}.'", id="atrium.E004"))
        ids = [kind.id for kind in manifest.content]
        if len(ids) != len(set(ids)):
            errors.append(Error(f"{where}: content kinds repeat an id", id="atrium.E005"))
    return errors
