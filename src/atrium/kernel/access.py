"""Fetch-and-check helpers: the object if the person may use it, else one same error.

Views never call `Model.objects.get` on an id from a request; they call these.
"""

from __future__ import annotations

from typing import Any

from atrium.kernel.abilities import abilities, has_access, module_access
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Access, Space, User


def access_space(user: Any, key: str | int, action: str = "read") -> Space:
    """The space by slug or id if `user` has the `action` ability on it (see, read, manage)."""
    lookup = {"pk": key} if isinstance(key, int) else {"slug": key}
    space = Space.objects.filter(**lookup).first()
    if space is None or not abilities(user, space).get(action, False):
        raise NotFound("space")
    return space


def access_space_module(user: Any, key: str | int, module_id: str, need: Access) -> Space:
    """The space if the module is on there and `user` has at least `need` access to it.

    A switched-off module answers exactly as a missing space does: 404.
    """
    space = access_space(user, key, "see")
    if not has_access(module_access(user, space, module_id), need):
        raise NotFound("module")
    return space


def access_person(user: Any, person_id: int) -> User:
    person = User.objects.filter(pk=person_id).first()
    if person is None or not abilities(user, person)["view"]:
        raise NotFound("person")
    return person
