"""Full-text search of message bodies.

SQLite: an FTS5 table with external content (the text is not stored twice) kept in step
with `chat_message` by triggers; the `unicode61 remove_diacritics 2` tokenizer makes "ete"
find "été". PostgreSQL: a generated `search_vector` column, `to_tsvector('atrium_search',
body)`, with a GIN index (on the channel too when btree_gin is there), where `atrium_search`
is a copy of the `simple` configuration that also strips accents when the `unaccent`
extension can be installed (it is "trusted" since PostgreSQL 13, so the database owner
may), and is plain `simple` otherwise.
"""

from django.db import DatabaseError, migrations, transaction

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS chat_message_fts USING fts5(
         body, content='chat_message', content_rowid='id',
         tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS chat_message_fts_insert AFTER INSERT ON chat_message
       BEGIN
         INSERT INTO chat_message_fts(rowid, body) VALUES (new.id, new.body);
       END""",
    """CREATE TRIGGER IF NOT EXISTS chat_message_fts_delete AFTER DELETE ON chat_message
       BEGIN
         INSERT INTO chat_message_fts(chat_message_fts, rowid, body)
           VALUES ('delete', old.id, old.body);
       END""",
    """CREATE TRIGGER IF NOT EXISTS chat_message_fts_update AFTER UPDATE OF body ON chat_message
       WHEN old.body IS NOT new.body
       BEGIN
         INSERT INTO chat_message_fts(chat_message_fts, rowid, body)
           VALUES ('delete', old.id, old.body);
         INSERT INTO chat_message_fts(rowid, body) VALUES (new.id, new.body);
       END""",
    "INSERT INTO chat_message_fts(chat_message_fts) VALUES ('rebuild')",
]

POSTGRES_CONFIG = "CREATE TEXT SEARCH CONFIGURATION atrium_search (COPY = simple)"
POSTGRES_UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """ALTER TEXT SEARCH CONFIGURATION atrium_search
       ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple""",
]
# A stored column, not an expression index: checking a row against a query then costs a
# read, not a to_tsvector() (about 25 µs with unaccent), which matters when the planner walks
# the newest messages instead of the index. Django does not know the column; the database
# fills it on every insert and update of `body`.
POSTGRES_COLUMN = """ALTER TABLE chat_message ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('atrium_search'::regconfig, body)) STORED"""
# With btree_gin (also "trusted"), the channel goes into the same GIN index: the index alone
# then tells which matches lie in the channels a person reads, without reading the rows.
POSTGRES_INDEX_WITH_CHANNEL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    """CREATE INDEX IF NOT EXISTS chat_message_search_vector
       ON chat_message USING gin (search_vector, channel_id)""",
]
POSTGRES_INDEX = """CREATE INDEX IF NOT EXISTS chat_message_search_vector
    ON chat_message USING gin (search_vector)"""


def _try(schema_editor, statements):
    """Run `statements` in a savepoint; False (and nothing changed) if the database refuses."""
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            for statement in statements:
                schema_editor.execute(statement)
    except DatabaseError:
        return False
    return True


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CONFIG)
        _try(schema_editor, POSTGRES_UNACCENT)  # without unaccent, accents stay significant
        schema_editor.execute(POSTGRES_COLUMN)
        if not _try(schema_editor, POSTGRES_INDEX_WITH_CHANNEL):
            schema_editor.execute(POSTGRES_INDEX)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS chat_message_fts_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS chat_message_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS chat_message_search_vector")
        schema_editor.execute("ALTER TABLE chat_message DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS atrium_search")


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
