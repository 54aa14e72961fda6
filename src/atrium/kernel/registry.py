"""The module registry: each workplace app declares itself once with a typed manifest.

A module's Django app calls `register(manifest)` in its `ready()`. The organisation switches
modules on and off (`InstanceModule`), each space a subset (`SpaceModule`); `checks.py`
validates every manifest at start-up so a broken contract fails loudly, never at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from atrium.kernel.models.spaces import Access

MODULE_ID = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


@dataclass(frozen=True)
class NavEntry:
    """A link in a space's navigation; `url_name` is reversed with the space's slug."""

    label: str | Promise
    url_name: str


@dataclass(frozen=True)
class ContentKind:
    """A content type a module contributes to the feed, search and export (contract 5).

    `recent(user, limit)` returns the newest items `user` may read, each with a `space`,
    `created_at`, `author` and `get_absolute_url()`; `export(space)` yields plain dicts.
    """

    id: str
    label: str | Promise
    recent: Callable[[Any, int], Iterable[Any]]
    export: Callable[[Any], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class ModuleManifest:
    id: str
    name: str | Promise
    description: str | Promise
    icon: str
    capabilities: tuple[str, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    event_types: tuple[type, ...] = ()
    content: tuple[ContentKind, ...] = ()
    urls: str | None = None
    api_router: str | None = None
    # URLs mounted at /<id>/ for pages across spaces (a module's home, direct messages).
    root_urls: str | None = None
    # A link in the top bar to the module's cross-space home (a name in `root_urls`), shown
    # to signed-in people while the module is on for the instance.
    top_nav: NavEntry | None = None
    # Dotted path of a view `(request) -> HttpResponse` drawing the organisation's home page
    # (`/`) while the module is on for the instance (the feed); the first such module wins.
    home: str | None = None
    enabled_by_default: bool = True
    default_member_access: Access = Access.WRITE
    default_reader_access: Access = Access.READ
    extra: dict[str, Any] = field(default_factory=dict)


class RegistryError(RuntimeError):
    pass


_modules: dict[str, ModuleManifest] = {}


def register(manifest: ModuleManifest) -> ModuleManifest:
    if not MODULE_ID.match(manifest.id):
        raise RegistryError(f"module id {manifest.id!r} must match {MODULE_ID.pattern}")
    existing = _modules.get(manifest.id)
    if existing is not None and existing is not manifest:
        raise RegistryError(f"module {manifest.id!r} is registered twice")
    _modules[manifest.id] = manifest
    return manifest


def get(module_id: str) -> ModuleManifest | None:
    return _modules.get(module_id)


def all_modules() -> list[ModuleManifest]:
    return sorted(_modules.values(), key=lambda m: m.id)


def content_kinds() -> list[tuple[ModuleManifest, ContentKind]]:
    return [(m, kind) for m in all_modules() for kind in m.content]
