"""The shared content record (contract 5): publish, touch, withdraw, and read the feed.

A module publishes one `ContentEntry` per item that should appear in the feed (a post, a
file added to a drive, a saved link) and withdraws it when the item goes. `feed_entries`
reads them back, restricted to the (space, module) pairs the person may read now, newest
first, with an opaque keyset cursor.

The home feed is a UNION ALL of one small ordered and limited subquery per space the person
belongs to (index `content_space_recent`) and one per followed author (index
`content_author_recent`), under an outer ORDER BY … LIMIT: each subquery reads at most
`limit` index entries, so the cost follows the number of spaces, never the number of rows.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import modules as module_state
from atrium.kernel import registry
from atrium.kernel.abilities import _access_rule, has_access, is_active_user
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Access, Space, SpaceMembership, SpaceModule
from atrium.kernel.models.content import ContentEntry, Follow

Scope = Literal["home", "space", "author"]
Order = Literal["recent", "activity"]
MAX_LIMIT = 200
# Past this many subqueries the union is replaced by one plain IN query (SQLite accepts at
# most 500 terms in a compound SELECT).
MAX_UNION_TERMS = 400
MAX_FOLLOWED_TERMS = 100


def publish(*, space: Space, module_id: str, kind: str, object_id: int, author: Any,
            verb: str, title: str = "", url: str = "",
            created_at: datetime | None = None) -> ContentEntry:
    """Create or refresh the entry of one object (its space, author, verb, title and url);
    a new entry's `created_at` and `last_activity_at` are `created_at` (default: now)."""
    at = created_at or timezone.now()
    fields = {"space": space, "author": author, "verb": verb[:40], "title": (title or "")[:300],
              "url": (url or "")[:500]}
    entry, _ = ContentEntry.objects.update_or_create(
        module_id=module_id, kind=kind, object_id=object_id, defaults=fields,
        create_defaults={**fields, "created_at": at, "last_activity_at": at},
    )
    return entry


def touch(module_id: str, kind: str, object_id: int, at: datetime | None = None) -> None:
    """Something happened to the object (a comment, a reaction): it rises in the feed
    ordered by activity."""
    ContentEntry.objects.filter(module_id=module_id, kind=kind, object_id=object_id) \
        .update(last_activity_at=at or timezone.now())


def withdraw(module_id: str, kind: str, object_id: int) -> None:
    ContentEntry.objects.filter(module_id=module_id, kind=kind, object_id=object_id).delete()


def withdraw_many(module_id: str, kind: str, object_ids: Sequence[int]) -> None:
    """Withdraw the entries of several objects at once (a folder put in the trash)."""
    ContentEntry.objects.filter(module_id=module_id, kind=kind,
                                object_id__in=list(object_ids)).delete()


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the sort date and the id of its last entry."""

    at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor written by `encode`; ActionError (field "before") for anything else."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            at_text, id_text = raw.split("|")
            at = datetime.fromisoformat(at_text)
            if at.tzinfo is None:
                raise ValueError("naive")
            return cls(at=at, id=int(id_text))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ActionError(_("This page link is not valid any more: start from the top."),
                              code="bad_cursor", field="before") from None

    @classmethod
    def after(cls, entry: ContentEntry, order: Order = "recent") -> Cursor:
        return cls(at=entry.last_activity_at if order == "activity" else entry.created_at,
                   id=entry.pk)


@dataclass
class Readable:
    """What a person may read, per module: the space ids, and the spaces they belong to."""

    by_module: dict[str, set[int]]
    member_of: set[int]
    writable: dict[str, set[int]] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)

    def modules_in(self, space_id: int) -> list[str]:
        return sorted(m for m, spaces in self.by_module.items() if space_id in spaces)

    @property
    def any_space(self) -> set[int]:
        found: set[int] = set()
        for spaces in self.by_module.values():
            found |= spaces
        return found


def readable(user: Any) -> Readable:
    """Every (space, module) `user` may read, in three queries whatever the number of spaces
    and modules (the rule of `spaces_with_module_access`, for all modules at once)."""
    if not is_active_user(user):
        return Readable({}, set())
    states = module_state.instance_states()
    on = [m for m in registry.all_modules() if states.get(m.id)]
    spaces = dict(Space.objects.restrict(user, "read").filter(archived_at__isnull=True)
                  .values_list("pk", "personal_owner_id"))
    roles = dict(SpaceMembership.objects.filter(user=user, space_id__in=spaces)
                 .values_list("space_id", "role"))
    rows = {(row.space_id, row.module_id): row for row in
            SpaceModule.objects.filter(space_id__in=spaces,
                                       module_id__in=[m.id for m in on])}
    by_module: dict[str, set[int]] = {}
    writable: dict[str, set[int]] = {}
    for manifest in on:
        found = by_module.setdefault(manifest.id, set())
        writes = writable.setdefault(manifest.id, set())
        default_reader = str(manifest.default_reader_access)
        for pk, personal_owner in spaces.items():
            row = rows.get((pk, manifest.id))
            if row is not None and not row.enabled:
                continue
            if pk not in roles and personal_owner is None:
                # Reading an open space without joining: at most READ, when readers may.
                if (row.reader_access if row else default_reader) != Access.NONE:
                    found.add(pk)
                continue
            access = _access_rule(
                roles.get(pk), personal_owner is not None and personal_owner == user.pk,
                row.member_access if row else manifest.default_member_access,
                row.reader_access if row else manifest.default_reader_access,
                may_read=True,
            )
            if has_access(access, Access.READ):
                found.add(pk)
            if has_access(access, Access.WRITE):
                writes.add(pk)
    return Readable(by_module, set(roles), writable, roles)


def _readable_filter(read: Readable, space_ids: set[int] | None = None) -> Q | None:
    """Entries of a module in a space where that module is readable (optionally among
    `space_ids`); modules with the same spaces share one condition. None: nothing."""
    groups = _groups(read, space_ids)
    if not groups:
        return None
    condition = Q()
    for group, module_ids in groups.items():
        condition |= Q(module_id__in=sorted(module_ids), space_id__in=sorted(group))
    return condition


def _before(order: Order, cursor: Cursor | None) -> Q:
    if cursor is None:
        return Q()
    column = "last_activity_at" if order == "activity" else "created_at"
    return Q(**{f"{column}__lte": cursor.at}) & (
        Q(**{f"{column}__lt": cursor.at}) | Q(id__lt=cursor.id))


def _ordering(order: Order) -> tuple[str, str]:
    return ("-last_activity_at", "-id") if order == "activity" else ("-created_at", "-id")


class _Sql:
    """Raw SQL for the home feed's union: compiling forty ORM querysets per page cost more
    than running them, so the parts are written here, each a plain indexed range."""

    def __init__(self, order: Order, cursor: Cursor | None, limit: int) -> None:
        ops = connection.ops
        self.column = "last_activity_at" if order == "activity" else "created_at"
        self.limit = limit
        self.tail = f" ORDER BY {self.column} DESC, id DESC LIMIT %s"
        self.before, self.before_params = "", []
        if cursor is not None:
            at = ops.adapt_datetimefield_value(cursor.at)
            self.before = f" AND {self.column} <= %s AND ({self.column} < %s OR id < %s)"
            self.before_params = [at, at, cursor.id]
        self.table = connection.ops.quote_name(ContentEntry._meta.db_table)
        self.arrays = connection.vendor == "postgresql"

    @staticmethod
    def among(name: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{name} IN ({', '.join(['%s'] * len(values))})", list(values)

    def readable(self, groups: dict[frozenset[int], list[str]]) -> tuple[str, list[Any]]:
        parts, params = [], []
        for spaces, modules in groups.items():
            if self.arrays:  # one parameter each: PostgreSQL plans it much faster
                parts.append("(module_id = ANY(%s) AND space_id = ANY(%s))")
                params += [sorted(modules), sorted(spaces)]
                continue
            module_sql, module_params = self.among("module_id", sorted(modules))
            space_sql, space_params = self.among("space_id", sorted(spaces))
            parts.append(f"({module_sql} AND {space_sql})")
            params += module_params + space_params
        return "(" + " OR ".join(parts) + ")", params

    def lateral(self, column: str, keys: Sequence[int], where: str,
                params: list[Any]) -> tuple[str, list[Any]]:
        """PostgreSQL: one subquery planned once and run for each key (a space, a person),
        instead of one subquery per key (planning forty of them cost more than running)."""
        extra = f" AND {where}" if where else ""
        inner = (f"SELECT id, {self.column} FROM {self.table} "  # noqa: S608
                 f"WHERE {column} = keys.key{extra}{self.before}{self.tail}")
        keys_sql = "unnest(%s::bigint[]) AS keys(key)"
        sql = f"SELECT entry.id, entry.{self.column} FROM {keys_sql} CROSS JOIN LATERAL ({inner}) AS entry"  # noqa: S608, E501
        return sql, [list(keys), *params, *self.before_params, self.limit]

    def part(self, where: str, params: list[Any]) -> tuple[str, list[Any]]:
        sql = (f"SELECT id, {self.column} FROM {self.table} WHERE {where}"  # noqa: S608
               f"{self.before}{self.tail}")
        return sql, [*params, *self.before_params, self.limit]

    def union(self, parts: list[tuple[str, list[Any]]]) -> list[int]:
        selects, params = [], []
        for number, (sql, part_params) in enumerate(parts):
            selects.append(f"SELECT * FROM ({sql}) AS part{number}")  # noqa: S608
            params += part_params
        union = " UNION ALL ".join(selects)
        sql = f"SELECT id FROM ({union}) AS entries{self.tail}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.limit])
            return [row[0] for row in cursor.fetchall()]


def _groups(read: Readable, space_ids: set[int] | None = None) -> dict[frozenset[int], list[str]]:
    groups: dict[frozenset[int], list[str]] = {}
    for module_id, spaces in read.by_module.items():
        chosen = spaces if space_ids is None else spaces & space_ids
        if chosen:
            groups.setdefault(frozenset(chosen), []).append(module_id)
    return groups


def feed_entries(user: Any, *, scope: Scope, space: Space | None = None, author: Any = None,
                 order: Order = "recent", before: Cursor | None = None,
                 limit: int = 20, read: Readable | None = None) -> list[ContentEntry]:
    """The entries `user` may read, newest first (by creation or by last activity).

    `home`: the spaces the person belongs to, and what people they follow published in
    spaces they may read. `space`: one space. `author`: one person's entries. Constant
    number of queries (four to six) whatever the page size and the number of spaces.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    read = read if read is not None else readable(user)
    if not is_active_user(user) or not read.any_space:
        return []
    ordering = _ordering(order)
    base = ContentEntry.objects.filter(_before(order, before))
    ids: list[int]
    if scope == "space":
        if space is None:
            raise ValueError("scope 'space' needs a space")
        condition = _readable_filter(read, {space.pk})
        if condition is None:
            return []
        ids = list(base.filter(condition).order_by(*ordering).values_list("id", flat=True)
                   [:limit])
    elif scope == "author":
        if author is None:
            raise ValueError("scope 'author' needs an author")
        condition = _readable_filter(read)
        if condition is None:
            return []
        ids = list(base.filter(condition, author_id=getattr(author, "pk", author))
                   .order_by(*ordering).values_list("id", flat=True)[:limit])
    else:
        ids = _home_ids(user, read, base, order, limit, before)
    if not ids:
        return []
    found = {entry.pk: entry for entry in
             ContentEntry.objects.filter(pk__in=ids).select_related("author", "space")}
    return [found[pk] for pk in ids if pk in found]


def _home_ids(user: Any, read: Readable, base: QuerySet[ContentEntry], order: Order,
              limit: int, cursor: Cursor | None) -> list[int]:
    member_spaces = sorted(read.member_of & read.any_space)
    followed = list(Follow.objects.filter(follower_id=user.pk)
                    .values_list("followed_id", flat=True)[:MAX_FOLLOWED_TERMS + 1])
    elsewhere = read.any_space - read.member_of
    groups = _groups(read, elsewhere) if followed and elsewhere else {}
    if len(member_spaces) + min(len(followed), MAX_FOLLOWED_TERMS) > MAX_UNION_TERMS:
        # Too many spaces for one subquery each: one plain query.
        condition = _readable_filter(read, set(member_spaces))
        people = Q(author_id__in=Follow.objects.filter(follower_id=user.pk)
                   .values("followed_id"))
        other = _readable_filter(read, elsewhere)
        where = (condition or Q(pk__in=[])) | ((other & people) if other is not None
                                                else Q(pk__in=[]))
        return list(base.filter(where).order_by(*_ordering(order))
                    .values_list("id", flat=True)[:limit])
    sql = _Sql(order, cursor, limit)
    parts = []
    every_module = len(read.by_module)
    whole = []  # spaces where every module is readable: no module condition
    for space_id in member_spaces:
        modules = read.modules_in(space_id)
        if len(modules) < every_module:
            module_sql, module_params = sql.among("module_id", modules)
            parts.append(sql.part(f"space_id = %s AND {module_sql}", [space_id, *module_params]))
        elif sql.arrays:
            whole.append(space_id)
        else:
            parts.append(sql.part("space_id = %s", [space_id]))
    if whole:
        parts.append(sql.lateral("space_id", whole, "", []))
    if groups:
        readable_sql, readable_params = sql.readable(groups)
        if sql.arrays and len(followed) <= MAX_FOLLOWED_TERMS:
            parts.append(sql.lateral("author_id", followed, readable_sql, readable_params))
        elif len(followed) > MAX_FOLLOWED_TERMS:
            followed = list(Follow.objects.filter(follower_id=user.pk)
                            .values_list("followed_id", flat=True))
            people_sql, people_params = sql.among("author_id", followed)
            parts.append(sql.part(f"{people_sql} AND {readable_sql}",
                                  [*people_params, *readable_params]))
        else:
            parts.extend(sql.part(f"author_id = %s AND {readable_sql}", [pk, *readable_params])
                         for pk in followed)
    if not parts:
        return []
    return sql.union(parts)
