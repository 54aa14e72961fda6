"""How PostgreSQL finds the newest messages matching some words in the channels a person
may read, in bounded time whatever the words and the person.

No single plan is good for every case, and the planner cannot know that a word is common
overall yet absent from what this person reads (assuming matches spread evenly, it walked
all of 1M rows backwards for such a word in the benchmark: 1.5 s). The ways used here, each
with a cost that can be bounded:
- the GIN index, reading the row of every match to check its channel: cost grows with how
  often the words occur (used up to CAP matches, as the planner estimates them);
- walking the newest ids backwards, which stops at the first readable matches: cheap for
  a word common in what the person reads, bounded to the newest WINDOW ids;
- for what that walk did not find: every readable message through the channel index, when
  the person reads few (SMALL); otherwise the GIN index with the channel inside it
  (`gin (search_vector, channel_id)`, btree_gin), which finds the readable matches without
  reading any other row.

Planner switches (`enable_seqscan`, `enable_indexscan`) are set for the transaction and
restored before returning; `(m.channel_id + 0)` keeps the planner from intersecting with the
channel index (a bitmap of every readable message), which costs more than it saves here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

CAP = 5_000  # estimated matches below which the rows of every match are read
WINDOW = 20_000  # newest ids walked backwards for a common word
SMALL = 20_000  # estimated readable messages below which each is checked
QUERY = "plainto_tsquery('atrium_search'::regconfig, %s)"


def _switch(cursor: Any, seqscan: str, indexscan: str) -> None:
    cursor.execute("SELECT set_config('enable_seqscan', %s, true), "
                   "set_config('enable_indexscan', %s, true)", [seqscan, indexscan])


def _estimate(cursor: Any, condition: str, params: list[Any]) -> float:
    """The planner's estimate of how many messages meet `condition` (a planning, no scan)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM chat_message WHERE {condition}",  # noqa: S608
                   params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def search_ids(terms: Sequence[str], channels: Sequence[int], where: str, params: list[Any],
               limit: int, before_id: int | None) -> list[int]:
    """Ids of the newest `limit` messages matching every term, in `channels`, meeting
    `where` (conditions on `m` with `params`), newest first."""
    text = " ".join(terms)
    channel_ids = [int(pk) for pk in channels]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # A generic plan for a prepared search can be a thousand times slower on a rare
        # word (see docs/benchmarks.md): always plan with the actual words.
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
            "(SELECT max(id) FROM chat_message), "
            "set_config('plan_cache_mode', 'force_custom_plan', true), "
            # What most searches (rare words) use: a bitmap scan of the GIN index only.
            "set_config('enable_seqscan', 'off', true), "
            "set_config('enable_indexscan', 'off', true)")
        seqscan, indexscan, top, *_set = cursor.fetchone()
        upper = (top or 0) + 1
        if before_id is not None:
            upper = max(min(int(before_id), upper), 0)
        try:
            return _steps(cursor, text, channel_ids, where, params, limit, upper)
        finally:
            _switch(cursor, seqscan, indexscan)


def _by_index(cursor: Any, text: str, channels: list[int], where: str, params: list[Any],
              limit: int, upper: int, channel_in_index: bool) -> list[int]:
    """Bitmap scan of the GIN index; the channels checked in the index itself, or on the
    rows (`+ 0` hides the column from the planner)."""
    column = "m.channel_id" if channel_in_index else "(m.channel_id + 0)"
    cursor.execute(
        f"SELECT m.id FROM chat_message m WHERE m.search_vector @@ {QUERY} "  # noqa: S608
        f"AND m.id < %s AND {column} = ANY(%s) AND {where} "
        "ORDER BY m.id DESC LIMIT %s", [text, upper, channels, *params, limit])
    return [pk for (pk,) in cursor.fetchall()]


def _by_channels(cursor: Any, text: str, channels: list[int], where: str, params: list[Any],
                 limit: int, upper: int) -> list[int]:
    """Every readable message through the channel index, each checked for the words."""
    _switch(cursor, "on", "off")
    cursor.execute(
        "SELECT m.id FROM chat_message m WHERE m.channel_id = ANY(%s) AND m.id < %s "  # noqa: S608
        f"AND (m.search_vector || ''::tsvector) @@ {QUERY} AND {where} "
        "ORDER BY m.id DESC LIMIT %s", [channels, upper, text, *params, limit])
    return [pk for (pk,) in cursor.fetchall()]


def _steps(cursor: Any, text: str, channels: list[int], where: str, params: list[Any],
           limit: int, upper: int) -> list[int]:
    if _estimate(cursor, f"search_vector @@ {QUERY}", [text]) <= CAP:
        return _by_index(cursor, text, channels, where, params, limit, upper, False)
    # A common word: the newest messages hold enough readable matches, unless the word
    # is common only where this person cannot read.
    low = max(upper - WINDOW, 0)
    _switch(cursor, "on", "on")
    cursor.execute(
        f"SELECT m.id FROM chat_message m WHERE m.search_vector @@ {QUERY} "  # noqa: S608
        "AND m.id < %s AND m.id >= %s AND (m.channel_id + 0) = ANY(%s) "
        f"AND {where} ORDER BY m.id DESC LIMIT %s", [text, upper, low, channels, *params, limit])
    found = [pk for (pk,) in cursor.fetchall()]
    if len(found) == limit or low == 0:
        return found
    rest = limit - len(found)
    if _estimate(cursor, "channel_id = ANY(%s) AND id < %s", [channels, low]) <= SMALL:
        return found + _by_channels(cursor, text, channels, where, params, rest, low)
    _switch(cursor, "off", "off")
    return found + _by_index(cursor, text, channels, where, params, rest, low, True)
