from __future__ import annotations

from typing import Any

from atrium.kernel.abilities import (
    abilities,
    abilities_of,
    has_access,
    is_active_user,
    module_access,
)
from atrium.kernel.models import Access
from atrium.modules.links.models import Link


@abilities_of.register
def _link_abilities(link: Link, user: Any) -> dict[str, bool]:
    access = module_access(user, link.space, "links")
    manage = abilities(user, link.space)["manage"]
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
