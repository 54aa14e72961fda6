"""Chat search over one million messages, on SQLite and on PostgreSQL, against baselines.

    .venv/bin/python bench/chat_search.py \
        --postgres postgres://atrium:atrium-ci-password@127.0.0.1:5432/atrium

Each database runs in its own process: a throw-away SQLite file, and the PostgreSQL
database `atrium_bench` (dropped and created again on the server of the URL given; left in
place afterwards for EXPLAIN). Both get the same data: 1,000,000 messages of French and
English words (Zipf-distributed, with a long tail of made-up words), in 200 channels of 18
private spaces (8 public and 2 private channels each) and 20 direct conversations, written
by 40 people over two years; 3 % carry an attachment, 1 % are deleted. Marker words sit at
known frequencies: 40 messages, 2,000, 3,000 only in channels the searcher cannot read, and
5 % of all messages only in such channels. The searcher may read 67 of the 200 channels (a
third): the public channels of the 6 spaces they belong to, 6 private channels and 13
direct conversations; a second person reads one direct conversation only.

Timed (p50/p95 over `--runs` calls after one warm-up), in the same process and data:
- `search_messages()` as the product calls it (rights computed, filters, snippets, Message
  objects with channel and author loaded);
- baseline "index only": the bare full-text query, newest 20, no rights, no objects;
- baseline "LIKE": `body LIKE '%word%'` newest 20 over the whole table (a naive search).
Goal: `search_messages` p95 under 200 ms everywhere. Exits 1 when a case misses it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import benchdb

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 200.0


def _words(text: str) -> list[str]:
    return text.split()


FRENCH = _words("""
le la les un une des et à de du en est pas pour que qui dans sur au avec ce il elle
nous vous ils on mais ou donc car ne plus très bien fait faire être avoir tout tous cette
réunion projet équipe demain aujourd'hui hier semaine prochaine mois année dossier patient
service planning garde urgence consultation bloc opératoire infirmière médecin rapport
compte rendu réponse question problème solution idée merci bonjour bonsoir salut envoyé
reçu document fichier version nouvelle ancienne mise à jour serveur réseau accès mot passe
été hiver printemps automne café déjeuner pause formation congé absence retard heure
minute rendez-vous salle étage bâtiment téléphone courriel message lien page tableau
budget devis facture commande livraison fournisseur client contrat signature validation
priorité urgent important attention rappel note voir lire écrire envoyer relancer""")
ENGLISH = _words("""the a an and to of in is it for on that this with be are was as at by not or
from have has but we you they he she our your will can just so if do done get got make
meeting project team tomorrow today yesterday week next month year file patient shift
schedule emergency ward report review answer question issue fix idea thanks hello hi
sent received document version new old update server network access password summer
winter spring autumn coffee lunch break training leave late hour minute appointment room
floor building phone email message link page board budget quote invoice order delivery
supplier customer contract signature approval priority urgent important reminder note
see read write send follow deploy release build test merge branch ticket sprint""")
SYLLABLES = _words("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go la le li "
             "lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so "
             "su ta te ti to tu va ve vi vo za ze zi zo")

# Marker words placed at known frequencies.
RARE = "zygomatique"  # 40 messages, anywhere
MEDIUM = "quasar"  # 2,000 messages, anywhere
HIDDEN = "hapax"  # 3,000 messages, only in channels the searcher cannot read
ELSEWHERE = "confidentiel"  # 50,000 messages (5 %), only in channels the searcher cannot read


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Real words first (most frequent), then a long tail of made-up ones; cumulative
    Zipf weights, so drawing a word costs a bisection, not a pass over the vocabulary."""
    words = list(dict.fromkeys(w.strip("'") for w in FRENCH + ENGLISH if w.strip("'")))
    rng.shuffle(words)
    for rank, word in ((1, "projet"), (4, "meeting")):  # the "common words" searched below
        words.remove(word)
        words.insert(rank, word)
    tail = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            for _ in range(30_000)}
    words += sorted(tail - set(words))
    return words, list(itertools.accumulate(1.0 / (rank + 1) ** 1.07
                                            for rank in range(len(words))))


# ---------------------------------------------------------------- one database (child process)


def setup_django(backend: str, url: str | None, data_dir: str) -> None:
    benchdb.setup_django(backend, url, data_dir, "atrium_bench")


def make_people_and_channels(rng: random.Random) -> dict[str, Any]:
    from atrium.kernel.actions.people import do_create_user
    from atrium.kernel.actions.spaces import do_add_member, do_create_space
    from atrium.kernel.models import Organisation, SpaceRole, Visibility
    from atrium.modules.chat.models import Channel, ChannelKind, ChannelMember

    Organisation.objects.create(name="Bench")
    people = [do_create_user(email=f"p{i}@bench.invalid", full_name=f"Person {i}",
                             role="owner" if i == 0 else "member") for i in range(42)]
    # `lonely` reads one direct conversation only (a newcomer, a guest).
    searcher, authors, lonely = people[0], people[1:41], people[41]
    readable: list[int] = []
    hidden: list[int] = []
    for s in range(18):
        space = do_create_space(authors[s], name=f"Space {s}", visibility=Visibility.PRIVATE)
        joined = s < 6
        if joined:
            do_add_member(authors[s], space, searcher, SpaceRole.MEMBER)
        for c in range(10):
            kind = ChannelKind.PUBLIC if c < 8 else ChannelKind.PRIVATE
            channel = Channel.objects.create(space=space, kind=kind, name=f"s{s}-c{c}")
            # Joined spaces: every public channel, and one of the two private ones.
            member = joined and c < 9
            if member and kind == ChannelKind.PRIVATE:
                ChannelMember.objects.create(channel=channel, user=searcher)
            (readable if member else hidden).append(channel.pk)
    for d in range(20):
        other = authors[d]
        with_searcher = d < 13
        partner = searcher if with_searcher else (lonely if d == 19 else authors[-1 - d])
        ids = sorted({partner.pk, other.pk})
        channel = Channel.objects.create(kind=ChannelKind.DIRECT,
                                         direct_key=",".join(map(str, ids)))
        ChannelMember.objects.bulk_create(ChannelMember(channel=channel, user_id=pk)
                                          for pk in ids)
        (readable if with_searcher else hidden).append(channel.pk)
    return {"searcher": searcher, "lonely": lonely, "authors": [a.pk for a in authors],
            "readable": readable, "hidden": hidden}


def message_rows(rng: random.Random, count: int, world: dict[str, Any]):
    words, weights = vocabulary(rng)
    channels = world["readable"] + world["hidden"]
    rare_at = set(rng.sample(range(count), 40))
    medium_at = set(rng.sample(range(count), 2000))
    hidden_at = set(rng.sample(range(count), 3000))
    elsewhere_at = set(rng.sample(range(count), count // 20))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    step = timedelta(days=730) / count
    for i in range(count):
        body_words = rng.choices(words, cum_weights=weights, k=rng.randint(3, 30))
        channel = rng.choice(channels)
        if i in rare_at:
            body_words.insert(rng.randrange(len(body_words)), RARE)
        if i in medium_at:
            body_words.insert(rng.randrange(len(body_words)), MEDIUM)
        if i in hidden_at:
            body_words.insert(rng.randrange(len(body_words)), HIDDEN)
            channel = rng.choice(world["hidden"])
        if i in elsewhere_at:
            body_words.insert(rng.randrange(len(body_words)), ELSEWHERE)
            channel = rng.choice(world["hidden"])
        body = " ".join(body_words).capitalize() + rng.choice(".!?.")
        yield (channel, rng.choice(world["authors"]), body, f"<p>{body}</p>",
               start + step * i, rng.random() < 0.03,
               start + step * i if rng.random() < 0.01 else None)


COLUMNS = ("channel_id, author_id, body, html, created_at, has_attachment, deleted_at, "
           "sender_name, also_in_channel, reply_count, mentions_channel")


def fill(backend: str, count: int, world: dict[str, Any], rng: random.Random) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    rows = message_rows(rng, count, world)
    if backend == "postgresql":
        with connection.cursor() as cursor:
            # Built once after the copy (as the migration defines it), not row by row.
            cursor.execute("SELECT pg_get_indexdef('chat_message_search_vector'::regclass)")
            index = cursor.fetchone()[0]
            cursor.execute("DROP INDEX chat_message_search_vector")
            with cursor.cursor.copy(f"COPY chat_message ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, "", False, 0, False))
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(index)
            cursor.execute("ANALYZE chat_message")
    else:
        ops = connection.ops
        sql = (f"INSERT INTO chat_message ({COLUMNS}) "
               "VALUES (%s, %s, %s, %s, %s, %s, %s, '', 0, 0, 0)")
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append((*row[:4], ops.adapt_datetimefield_value(row[4]), row[5],
                          ops.adapt_datetimefield_value(row[6])))
            if len(batch) == 20_000:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(sql, batch)
                batch.clear()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timed(fn, runs: int) -> dict[str, Any]:
    fn()  # warm-up
    samples = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"p50": statistics.median(samples), "p95": p95, "found": len(result or [])}


def raw_index(backend: str, word: str) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        if backend == "postgresql":
            cursor.execute("SELECT id FROM chat_message WHERE search_vector @@ "
                           "plainto_tsquery('atrium_search'::regconfig, %s) "
                           "ORDER BY id DESC LIMIT 20", [word])
        else:
            cursor.execute("SELECT rowid FROM chat_message_fts WHERE chat_message_fts MATCH %s "
                           "ORDER BY rowid DESC LIMIT 20", [f'"{word}"'])
        return cursor.fetchall()


def like_scan(word: str) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM chat_message WHERE body LIKE %s "
                       "ORDER BY id DESC LIMIT 20", [f"%{word}%"])
        return cursor.fetchall()


def measure(backend: str, world: dict[str, Any], runs: int) -> list[dict[str, Any]]:
    from atrium.modules.chat.search import search_messages

    user = world["searcher"]
    one_channel = world["readable"][0]
    author = world["authors"][3]
    recent = datetime(2026, 9, 1, tzinfo=UTC)
    common, second = "projet", "meeting"
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("common word", common, {}),
        ("two common words", f"{common} {second}", {}),
        ("rare word (40 messages)", RARE, {}),
        ("medium word (2,000)", MEDIUM, {}),
        ("word only in unreadable channels (3,000)", HIDDEN, {}),
        ("word only in unreadable channels (5 %)", ELSEWHERE, {}),
        ("accent-free query 'ete'", "ete", {}),
        ("common word, one channel", common, {"channel_id": one_channel}),
        ("common word, one author", common, {"author_id": author}),
        ("rare word, since a date", RARE, {"after": recent}),
        ("common word, with attachment", common, {"has_attachment": True}),
        ("medium word, one channel + author", MEDIUM,
         {"channel_id": one_channel, "author_id": author}),
    ]
    lonely = world["lonely"]
    people = dict.fromkeys((c[0] for c in cases), user)
    cases += [("one conversation readable: common word", common, {}),
              ("one conversation readable: word common elsewhere", ELSEWHERE, {})]
    people.update(dict.fromkeys([c[0] for c in cases[-2:]], lonely))
    rows = []
    for label, text, filters in cases:
        row = {"case": label, "query": text, **timed(
            lambda t=text, f=filters, u=people[label]: search_messages(u, t, **f), runs)}
        rows.append(row)
        print(f"  [{backend}] {label}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
              f"{row['found']} found", file=sys.stderr)
    for word in (common, RARE, MEDIUM, HIDDEN, ELSEWHERE):
        rows.append({"case": f"baseline index only: {word}", "query": word,
                     **timed(lambda w=word: raw_index(backend, w), runs)})
        rows.append({"case": f"baseline LIKE: {word}", "query": word,
                     **timed(lambda w=word: like_scan(w), max(3, runs // 6))})
    return rows


def child(backend: str, url: str | None, count: int, runs: int) -> dict[str, Any]:
    rng = random.Random(20261123)
    with tempfile.TemporaryDirectory(prefix="atrium-bench-search-") as data_dir:
        setup_django(backend, url, data_dir)
        from django.db import connection

        world = make_people_and_channels(rng)
        fill_seconds = fill(backend, count, world, rng)
        print(f"  [{backend}] filled {count:,} messages in {fill_seconds:.0f} s",
              file=sys.stderr)
        rows = measure(backend, world, runs)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()" if backend == "sqlite"
                           else "SHOW server_version")
            version = cursor.fetchone()[0]
        connection.close()
    return {"backend": backend, "version": version, "messages": count,
            "fill_seconds": fill_seconds, "rows": rows}


# ---------------------------------------------------------------- driver


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| case | " + " | ".join(
        f"{r['backend']} p50 / p95 (ms)" for r in results) + " | found |",
        "|---|" + "---|" * (len(results) + 1)]
    for i, row in enumerate(results[0]["rows"]):
        cells = [f"{r['rows'][i]['p50']:.1f} / {r['rows'][i]['p95']:.1f}" for r in results]
        lines.append(f"| {row['case']} | " + " | ".join(cells) + f" | {row['found']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", help="a PostgreSQL URL; its server gets atrium_bench")
    parser.add_argument("--only", choices=["sqlite", "postgresql"],
                        help="measure one database only")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.postgres, args.messages, args.runs)))
        return 0
    results = []
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    for backend in [args.only] if args.only else backends:
        command = [sys.executable, __file__, "--child", backend, "--messages",
                   str(args.messages), "--runs", str(args.runs)]
        if args.postgres:
            command += ["--postgres", args.postgres]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for result in results:
        print(f"{result['backend']} {result['version']}: {result['messages']:,} messages "
              f"filled in {result['fill_seconds']:.0f} s")
    print(table(results))
    missed = [(r["backend"], row["case"]) for r in results for row in r["rows"]
              if not row["case"].startswith("baseline") and row["p95"] >= GOAL_MS]
    print(f"goal p95 < {GOAL_MS:.0f} ms for search_messages: "
          f"{'met' if not missed else f'MISSED {missed}'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
