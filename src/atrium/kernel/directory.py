"""Reads of the people directory and of profiles, shared by the pages and the API.

Every function starts from `User.objects.restrict(viewer)`: members see the organisation,
guests only the people they share a space with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from atrium.kernel.models import Follow, Space, SpaceMembership, User, Visibility
from atrium.kernel.status import current_status

# Facets list the most frequent values; a facet reads at most this many profiles.
FACET_VALUES = 30
FACET_SCAN = 5000
FILTER_MAX = 100


def split_list(text: str) -> list[str]:
    """The items of a comma-separated profile field (skills, languages), trimmed."""
    return [item for item in (" ".join(raw.split()) for raw in (text or "").split(","))
            if item]


@dataclass
class Filters:
    """What the directory is asked for: words, plus one team, skill and language."""

    q: str = ""
    team: str = ""
    skill: str = ""
    language: str = ""

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        def value(name: str) -> str:
            return " ".join(str(params.get(name) or "").replace("\x00", "").split())[:FILTER_MAX]

        return cls(q=value("q"), team=value("team"), skill=value("skill"),
                   language=value("language"))

    def items(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in (
            ("q", self.q), ("team", self.team), ("skill", self.skill),
            ("language", self.language)) if value]


def _in_list(field_name: str, value: str) -> Q:
    """`value` is one item of the comma-separated `field_name` (any case, any spacing
    after the commas)."""
    query = Q(**{f"{field_name}__iexact": value}) | Q(**{f"{field_name}__istartswith":
                                                          value + ","})
    for sep in (",", ", "):
        query |= Q(**{f"{field_name}__iendswith": sep + value})
        query |= Q(**{f"{field_name}__icontains": sep + value + ","})
    return query


def people(viewer: Any, filters: Filters, *, include_inactive: bool = False) -> Any:
    """The active people `viewer` may see matching `filters`, by name."""
    found = User.objects.restrict(viewer).search(filters.q)
    if not include_inactive:
        found = found.filter(is_active=True)
    if filters.team:
        found = found.filter(team__iexact=filters.team)
    if filters.skill:
        found = found.filter(_in_list("skills", filters.skill))
    if filters.language:
        found = found.filter(_in_list("languages", filters.language))
    return found.order_by("full_name", "pk")


@dataclass
class Facets:
    teams: list[tuple[str, int]] = field(default_factory=list)
    skills: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)


FACETS_CACHE_KEY = "people:facets"
FACETS_CACHE_SECONDS = 300


def forget_facets() -> None:
    """Drop the cached facets now and once the current transaction commits (so a page
    computed meanwhile from the old rows does not stay cached). The people actions call
    this whenever a team, skills, languages or someone's presence changes."""
    cache.delete(FACETS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(FACETS_CACHE_KEY))


def facets(viewer: Any) -> Facets:
    """The most frequent teams, skills and languages among the active people `viewer` may
    see, each with its count. Members all see the whole organisation, so theirs are cached
    (one cache read; three queries and a scan of at most FACET_SCAN profiles otherwise)."""
    if getattr(viewer, "is_guest", True):
        return _facets(viewer)
    found = cache.get(FACETS_CACHE_KEY)
    if not isinstance(found, Facets):
        found = _facets(viewer)
        cache.set(FACETS_CACHE_KEY, found, FACETS_CACHE_SECONDS)
    return found


def _facets(viewer: Any) -> Facets:
    visible = User.objects.restrict(viewer).filter(is_active=True)
    teams = visible.exclude(team="").values("team").annotate(n=Count("id")) \
        .order_by("-n", "team").values_list("team", "n")[:FACET_SCAN]
    return Facets(teams=_merge(teams),
                  skills=_count_items(visible.exclude(skills=""), "skills"),
                  languages=_count_items(visible.exclude(languages=""), "languages"))


def _count_items(people: Any, field_name: str) -> list[tuple[str, int]]:
    return _merge((item, 1) for text in
                  people.order_by().values_list(field_name, flat=True)[:FACET_SCAN]
                  for item in split_list(text))


def _merge(counted: Any) -> list[tuple[str, int]]:
    """(value, count) pairs merged whatever the case, shown in their most frequent spelling
    (ties: the first in code-point order, whatever the database's collation), the most
    frequent first, at most FACET_VALUES."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for value, n in counted:
        key = value.casefold()
        spellings.setdefault(key, Counter())[value] += n
        counts[key] += n
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_VALUES]
    return [(min(spellings[key].items(), key=lambda sn: (-sn[1], sn[0]))[0], n)
            for key, n in ranked]


def decorate(people: Any, now: Any) -> list[User]:
    """The people of a page with `skill_list` and `status_line` for their cards."""
    decorated = list(people)
    for person in decorated:
        person.skill_list = split_list(person.skills)
        person.status_line = " ".join(filter(None, current_status(person, now)))
    return decorated


def visible_manager(viewer: Any, person: User) -> User | None:
    """The person's manager, when the viewer may see them."""
    if person.manager_id is None:
        return None
    return User.objects.restrict(viewer).filter(pk=person.manager_id).first()


def direct_reports(viewer: Any, person: User, limit: int = 50) -> list[User]:
    return list(User.objects.restrict(viewer).filter(manager=person, is_active=True)
                .order_by("full_name", "pk")[:limit])


def teammates(viewer: Any, person: User, limit: int = 12) -> list[User]:
    """Other active people of the same team (same name, any case), bounded."""
    if not person.team:
        return []
    return list(User.objects.restrict(viewer).filter(team__iexact=person.team, is_active=True)
                .exclude(pk=person.pk).order_by("full_name", "pk")[:limit])


def spaces_of(viewer: Any, person: User, limit: int = 50) -> list[Space]:
    """The spaces `viewer` may see where `person` is a member, each with `shared` when the
    viewer is in it too: no personal space, and never a secret space the viewer is not in
    (not even for the organisation's admins, who may list secret spaces elsewhere)."""
    mine = SpaceMembership.objects.filter(space=OuterRef("pk"), user_id=viewer.pk)
    return list(Space.objects.restrict(viewer, "see")
                .filter(memberships__user=person, personal_owner__isnull=True)
                .annotate(shared=Exists(mine))
                .exclude(Q(visibility=Visibility.SECRET) & Q(shared=False))
                .order_by("name", "pk")[:limit])


def follow_counts(person: User) -> tuple[int, int]:
    """(followers, following) among active people."""
    followers = Follow.objects.filter(followed=person, follower__is_active=True).count()
    following = Follow.objects.filter(follower=person, followed__is_active=True).count()
    return followers, following


def followers(viewer: Any, person: User) -> Any:
    """The active people following `person` whom `viewer` may see, latest first."""
    return (User.objects.restrict(viewer).filter(following__followed=person, is_active=True)
            .order_by("-following__created_at", "pk"))


def following(viewer: Any, person: User) -> Any:
    """The active people `person` follows whom `viewer` may see, latest first."""
    return (User.objects.restrict(viewer).filter(followers__follower=person, is_active=True)
            .order_by("-followers__created_at", "pk"))
