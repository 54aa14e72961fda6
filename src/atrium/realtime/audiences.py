"""Audiences: who may receive an event, by kind ("user", "space", "chat.channel", …).

Every kind registers how to answer two questions for a person, with their *current* rights:
which audiences of this kind they follow without asking (`defaults`), and which of a given
set they may read (`readable`). The socket subscribes with these, catch-up re-checks with
them, and a rights change makes every affected socket ask again. Both answers are bulk
(one or two queries per kind), never one query per audience.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from atrium.kernel.models import OrgRole, Space, SpaceMembership, User

Readable = Callable[[Any, Collection[int]], Collection[int]]
Defaults = Callable[[Any], Iterable[int]]


@dataclass(frozen=True)
class AudienceKind:
    kind: str
    readable: Readable
    defaults: Defaults = field(default=lambda user: ())
    # Ephemeral signals (not stored) that a client may send to an audience of this kind.
    signals: frozenset[str] = frozenset()


_kinds: dict[str, AudienceKind] = {}


def register_audience(kind: AudienceKind) -> AudienceKind:
    existing = _kinds.get(kind.kind)
    if existing is not None and existing != kind:
        raise RuntimeError(f"audience kind {kind.kind!r} is registered twice")
    _kinds[kind.kind] = kind
    return kind


def get_kind(kind: str) -> AudienceKind | None:
    return _kinds.get(kind)


def key(kind: str, audience_id: int) -> str:
    return f"{kind}:{audience_id}"


def parse_key(text: Any) -> tuple[str, int] | None:
    """("chat.channel", 5) for "chat.channel:5"; None for anything malformed or unknown."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    kind, _, raw_id = text.rpartition(":")
    if kind not in _kinds or not raw_id.isdigit() or len(raw_id) > 18:
        return None
    return kind, int(raw_id)


def allowed(user: Any, wanted: Iterable[str] = ()) -> set[str]:
    """The audience keys `user` follows now: every kind's defaults plus those of `wanted`
    (explicit subscriptions) they may still read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    asked: dict[str, set[int]] = defaultdict(set)
    for text in wanted:
        parsed = parse_key(text)
        if parsed is not None:
            asked[parsed[0]].add(parsed[1])
    found: set[str] = set()
    for kind in _kinds.values():
        ids = set(kind.defaults(user))
        extra = asked.get(kind.kind, set()) - ids
        if extra:
            ids |= set(kind.readable(user, extra))
        found.update(key(kind.kind, i) for i in ids)
    return found


def readable_keys(user: Any, keys: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which (kind, id) pairs `user` may read now, checked in bulk per kind."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, audience_id in keys:
        by_kind[kind].add(audience_id)
    found: set[tuple[str, int]] = set()
    for kind_name, ids in by_kind.items():
        registered = _kinds.get(kind_name)
        if registered is not None:
            found.update((kind_name, i) for i in registered.readable(user, ids))
    return found


# The kernel's own kinds.

def _own(user: Any, ids: Collection[int]) -> set[int]:
    return {user.pk} & set(ids)


def _org(user: Any, ids: Collection[int] = (0,)) -> set[int]:
    return {0} & set(ids) if user.role != OrgRole.GUEST else set()


def _spaces_readable(user: Any, ids: Collection[int]) -> set[int]:
    return set(Space.objects.restrict(user, "read").filter(pk__in=list(ids))
               .values_list("pk", flat=True))


def _spaces_joined(user: Any) -> Iterable[int]:
    return SpaceMembership.objects.filter(user=user).values_list("space_id", flat=True)


def _people_visible(user: Any, ids: Collection[int]) -> set[int]:
    return set(User.objects.restrict(user).filter(pk__in=list(ids), is_active=True)
               .values_list("pk", flat=True))


def register_kernel_kinds() -> None:
    # Everyone's sockets: used to ask all of them to re-check after an organisation-wide change.
    register_audience(AudienceKind("all", lambda user, ids: {0} & set(ids), lambda user: (0,)))
    register_audience(AudienceKind("user", _own, lambda user: (user.pk,)))
    register_audience(AudienceKind("org", _org, lambda user: _org(user)))
    register_audience(AudienceKind("space", _spaces_readable, _spaces_joined))
    # Presence of one person: followed while a page shows them, never by default.
    register_audience(AudienceKind("presence", _people_visible))
