"""One preference model for every channel, resolved from the most to the least specific row:
(kind, space) > (kind, any space) > (every kind, space) > (every kind, any space) > the kind's
defaults (urgent kinds: e-mail at once when not online; others: the daily digest)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from atrium.notifications.kinds import Kind, get_kind
from atrium.notifications.models import EmailMode, Preference


@dataclass(frozen=True)
class Choice:
    in_app: bool
    email: str
    push: bool

    @property
    def anything(self) -> bool:
        return self.in_app or self.push or self.email != EmailMode.NEVER


def default_choice(kind: Kind | None, urgent: bool = False) -> Choice:
    if kind is None:
        return Choice(in_app=True, email=EmailMode.DAILY, push=urgent)
    urgent = urgent or kind.urgent
    return Choice(in_app=True, email=EmailMode.IMMEDIATE if urgent else EmailMode.DAILY,
                  push=urgent or kind.push)


def _rank(pref: Preference, kind_id: str) -> int:
    return (0 if pref.kind == kind_id and kind_id else 2) + (0 if pref.space_id else 1)


def resolve_many(user_ids: Iterable[int], kind_id: str, space_id: int | None,
                 urgent: bool = False) -> dict[int, Choice]:
    """Each person's choice for one kind in one space, in one query."""
    ids = set(user_ids)
    default = default_choice(get_kind(kind_id), urgent)
    found: dict[int, tuple[int, Choice]] = {}
    if ids:
        spaces = Q(space__isnull=True) | Q(space_id=space_id) if space_id else Q(space__isnull=True)
        for pref in Preference.objects.filter(spaces, user_id__in=ids, kind__in=[kind_id, ""]):
            rank = _rank(pref, kind_id)
            if pref.user_id not in found or rank < found[pref.user_id][0]:
                found[pref.user_id] = (rank, Choice(pref.in_app, pref.email, pref.push))
    return {pk: found[pk][1] if pk in found else default for pk in ids}


def resolve(user_id: int, kind_id: str, space_id: int | None, urgent: bool = False) -> Choice:
    return resolve_many([user_id], kind_id, space_id, urgent)[user_id]


def resolve_rows(rows: Iterable[tuple[int, str, int | None]]) -> dict[tuple[int, str, int | None],
                                                                     Choice]:
    """Choices for many (user, kind, space) triples in one query (digests)."""
    triples = set(rows)
    users = {u for u, _k, _s in triples}
    prefs: dict[int, list[Preference]] = {}
    for pref in Preference.objects.filter(user_id__in=users):
        prefs.setdefault(pref.user_id, []).append(pref)
    result = {}
    for user_id, kind_id, space_id in triples:
        best: tuple[int, Choice] | None = None
        for pref in prefs.get(user_id, ()):
            if pref.kind not in ("", kind_id) or pref.space_id not in (None, space_id):
                continue
            rank = _rank(pref, kind_id)
            if best is None or rank < best[0]:
                best = (rank, Choice(pref.in_app, pref.email, pref.push))
        result[(user_id, kind_id, space_id)] = (best[1] if best
                                                else default_choice(get_kind(kind_id)))
    return result
