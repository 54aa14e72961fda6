"""The kinds of notification: an id, a label people read, and each channel's default.

Modules register their own kinds in their app's `ready()` with `register_kind`; an unknown
kind passed to `notify` is refused (a typo would otherwise create rows nobody can tune).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    id: str
    label: str | Promise
    urgent: bool = False          # e-mail at once (when not online) unless the person chose
    push: bool = False            # web push on by default
    sentence: str | Promise = ""  # "%(actor)s mentioned you": e-mail subjects, translated

    def headline(self, actor: str) -> str:
        return str(self.sentence) % {"actor": actor} if self.sentence else str(self.label)

    @property
    def default_email(self) -> str:
        return "immediate" if self.urgent else "daily"


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    _kinds[kind.id] = kind
    return kind


def get_kind(kind_id: str) -> Kind | None:
    return _kinds.get(kind_id)


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


for _kind in (
    Kind("mention", _("Someone mentions me"), urgent=True, push=True,
         sentence=_("%(actor)s mentioned you")),
    Kind("direct_message", _("A direct message"), urgent=True, push=True,
         sentence=_("%(actor)s sent you a message")),
    Kind("reply", _("A reply to something I wrote"), push=True,
         sentence=_("%(actor)s replied to you")),
    Kind("comment", _("A comment on my post"), sentence=_("%(actor)s commented on your post")),
    Kind("reaction", _("A reaction to something I wrote"),
         sentence=_("%(actor)s reacted to what you wrote")),
    Kind("announcement", _("An announcement in my spaces"), push=True,
         sentence=_("%(actor)s made an announcement")),
    Kind("confirmation_request", _("An announcement asks me to confirm"), push=True,
         sentence=_("%(actor)s asks you to confirm you have read an announcement")),
    Kind("invitation", _("I am added to a space"), sentence=_("%(actor)s added you to a space")),
    Kind("follow", _("Someone follows me"), sentence=_("%(actor)s follows you")),
    Kind("share", _("Someone shares my post"), sentence=_("%(actor)s shared your post")),
    Kind("module", _("Activity in other modules")),
):
    register_kind(_kind)
