from __future__ import annotations

from typing import Any

from atrium.kernel.abilities import (
    abilities,
    abilities_of,
    has_access,
    is_active_user,
    module_access,
)
from atrium.kernel.models import Access, Space
from atrium.modules.links.models import Link


def _manages(user: Any, space: Space) -> bool:
    """The space's "manage" ability, worked out once per space object and person (a list
    of links shares one space object: see `queries.share_spaces`)."""
    cache: dict[Any, bool] = space.__dict__.setdefault("_links_manage", {})
    key = getattr(user, "pk", None)
    if key not in cache:
        cache[key] = abilities(user, space)["manage"]
    return cache[key]


@abilities_of.register
def _link_abilities(link: Link, user: Any) -> dict[str, bool]:
    access = module_access(user, link.space, "links")
    manage = _manages(user, link.space)
    own = link.author_id == getattr(user, "pk", None)
    writer = has_access(access, Access.WRITE)
    view = has_access(access, Access.READ)
    in_my_bookmarks = link.space.personal_owner_id == getattr(user, "pk", None)
    return {
        "view": view,
        "edit": writer and (own or manage),
        "delete": (writer and own) or manage,
        # Copy it into my personal space ("My bookmarks").
        "save": view and is_active_user(user) and not in_my_bookmarks,
    }
