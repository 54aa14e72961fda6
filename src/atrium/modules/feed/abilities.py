"""Who may do what with posts and comments.

Everything follows the feed module's access in the post's space (`module_access`): reading
needs READ; posting, commenting, reacting and voting need WRITE (and a space that is not
archived). The author edits their own post while they may write; the author or the space's
managers (space admins, the organisation's admins, the owner of a personal space) delete it.
Managers pin, hide and unhide. A hidden post is kept for the record and seen by managers
only. Only posts of open spaces may be shared into another space: a share never carries a
post out of a private or secret space.

`space_rights` is computed once per space; feed pages compute it for every space of a page
from the bulk `content.readable()` (`rights_from_readable`) so abilities cost no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atrium.kernel.abilities import abilities_of, has_access, is_active_user, module_access
from atrium.kernel.abilities import space_role as kernel_space_role
from atrium.kernel.content import Readable
from atrium.kernel.models import Access, OrgRole, Space, SpaceRole, Visibility
from atrium.modules.feed.models import Comment, Post

MODULE = "feed"
POST_ABILITIES = ("view", "comment", "react", "edit", "delete", "share", "pin", "hide",
                  "report", "confirm", "see_confirmations", "vote")
COMMENT_ABILITIES = ("view", "reply", "react", "edit", "delete", "hide", "report")


@dataclass(frozen=True)
class SpaceRights:
    """What one person may do with the feed of one space."""

    read: bool = False
    write: bool = False
    manage: bool = False
    shareable: bool = False  # an open space: its posts may be shared elsewhere
    user_id: int | None = None


NO_RIGHTS = SpaceRights()


def _shareable(space: Space) -> bool:
    return space.visibility == Visibility.OPEN and not space.is_personal


def _manager(user: Any, space: Space, role: str | None) -> bool:
    own_personal = space.is_personal and space.personal_owner_id == user.pk
    return role == SpaceRole.ADMIN or own_personal or (user.is_org_admin
                                                       and not space.is_personal)


def space_rights(user: Any, space: Space) -> SpaceRights:
    """The person's rights on the feed of `space` (a few cached lookups)."""
    if not is_active_user(user):
        return NO_RIGHTS
    access = module_access(user, space, MODULE)
    if access == Access.NONE:
        return NO_RIGHTS
    archived = space.archived_at is not None
    return SpaceRights(
        read=has_access(access, Access.READ),
        write=has_access(access, Access.WRITE) and not archived,
        manage=_manager(user, space, kernel_space_role(user, space)) and not archived,
        shareable=_shareable(space), user_id=user.pk,
    )


def rights_from_readable(user: Any, space: Space, read: Readable) -> SpaceRights:
    """`space_rights` from the bulk reading of `content.readable()`: no query."""
    if not is_active_user(user) or space.pk not in read.by_module.get(MODULE, set()):
        return NO_RIGHTS
    archived = space.archived_at is not None
    return SpaceRights(
        read=True,
        write=space.pk in read.writable.get(MODULE, set()) and not archived,
        manage=_manager(user, space, read.roles.get(space.pk)) and not archived,
        shareable=_shareable(space), user_id=user.pk,
    )


def post_abilities(post: Post, user: Any, rights: SpaceRights) -> dict[str, bool]:
    if not rights.read or post.deleted_at is not None:
        return dict.fromkeys(POST_ABILITIES, False)
    own = post.author_id is not None and post.author_id == rights.user_id
    hidden = post.hidden_at is not None
    view = not hidden or rights.manage
    writer = view and rights.write and not hidden
    asks = post.requires_confirmation and post.pinned_at is not None
    guest = getattr(user, "role", None) == OrgRole.GUEST
    return {
        "view": view,
        "comment": writer,
        "react": writer,
        "vote": writer,
        "edit": writer and own,
        "delete": view and ((own and rights.write) or rights.manage),
        "share": view and not hidden and rights.shareable and not guest,
        "pin": rights.manage and rights.write and not hidden,
        "hide": rights.manage,
        "report": view and not hidden and not own,
        "confirm": view and not hidden and asks,
        "see_confirmations": view and post.requires_confirmation and (own or rights.manage),
    }


def comment_abilities(comment: Comment, post_can: dict[str, bool], user: Any,
                      rights: SpaceRights) -> dict[str, bool]:
    if not post_can["view"] or comment.deleted_at is not None:
        return dict.fromkeys(COMMENT_ABILITIES, False)
    own = comment.author_id is not None and comment.author_id == rights.user_id
    hidden = comment.hidden_at is not None
    view = not hidden or rights.manage
    writer = view and not hidden and post_can["comment"]
    return {
        "view": view,
        "reply": writer,
        "react": writer,
        "edit": writer and own,
        "delete": view and ((own and rights.write) or rights.manage),
        "hide": rights.manage,
        "report": view and not hidden and not own,
    }


@abilities_of.register
def _post_abilities(post: Post, user: Any) -> dict[str, bool]:
    return post_abilities(post, user, space_rights(user, post.space))


@abilities_of.register
def _comment_abilities(comment: Comment, user: Any) -> dict[str, bool]:
    post = comment.post
    rights = space_rights(user, post.space)
    return comment_abilities(comment, post_abilities(post, user, rights), user, rights)
