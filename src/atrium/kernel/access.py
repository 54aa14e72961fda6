"""Fetch-and-check helpers: the object if the person may use it, else one same error.

Views never call `Model.objects.get` on an id from a request; they call these.
"""

from __future__ import annotations

from typing import Any

from atrium.kernel.abilities import abilities, has_access, module_access
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Access, ApiToken, Invitation, Organisation, Space, User


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


def access_invitation(user: Any, invitation_id: int) -> Invitation:
    """An invitation, for the organisation's admins who may invite."""
    org = Organisation.current()
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or org is None or not abilities(user, org)["invite"]:
        raise NotFound("invitation")
    return invitation


def access_own_token(user: Any, token_id: int) -> ApiToken:
    """One of the person's own API tokens; anybody else's answers like a missing one."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("token")
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("token")
    return token
