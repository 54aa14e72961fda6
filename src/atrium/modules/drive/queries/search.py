"""Search of files and folders by name and, for text and PDF files, by content, within the
drives the person may read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atrium.kernel.abilities import spaces_with_module_access
from atrium.kernel.models import Access, Space
from atrium.modules.drive.abilities import MODULE, drive_abilities
from atrium.modules.drive.models import Node
from atrium.modules.drive.names import name_key

MAX_WORDS = 5
MAX_RESULTS = 100


def search(user: Any, text: str, *, space: Space | None = None, limit: int = 50) -> list[Node]:
    """Live items whose name holds every word (compared as names are: case-folded), or whose
    extracted text does; newest first. Only the drives `user` may read (one, with `space`)."""
    words = [w for w in (text or "").replace("\x00", "").split() if w][:MAX_WORDS]
    if not words:
        return []
    if space is not None:
        spaces = [space.pk] if drive_abilities(user, space)["view"] else []
    else:
        spaces = spaces_with_module_access(user, MODULE, Access.READ)
    if not spaces:
        return []
    query = Q()
    for word in words[:MAX_WORDS]:
        query &= (Q(name_key__contains=name_key(word))
                  | Q(current__blob__drive_text__text__icontains=word))
    limit = max(1, min(int(limit), MAX_RESULTS))
    return list(Node.objects.filter(query, space_id__in=spaces, trashed_at__isnull=True,
                                    parent__isnull=False)
                .select_related("space", "updated_by", "parent")
                .order_by("-updated_at", "-id")[:limit])
