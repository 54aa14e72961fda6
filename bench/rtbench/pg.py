"""Fresh PostgreSQL databases for the benchmarks (the CI server: role atrium on 127.0.0.1)."""

from __future__ import annotations

import os

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL",
                           "postgres://atrium:atrium-ci-password@127.0.0.1:5432/postgres")


def recreate(name: str, c_collation: bool = False) -> str:
    """Drop and create database `name`; returns its URL. Synapse wants C collation."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
        extra = (" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
                 if c_collation else "")
        connection.execute(sql.SQL("CREATE DATABASE {}" + extra).format(sql.Identifier(name)))
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))


def args_of(url: str) -> dict[str, object]:
    """psycopg2-style connection arguments (Synapse's config) from a URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return {"user": parts.username, "password": parts.password, "host": parts.hostname,
            "port": parts.port or 5432, "dbname": parts.path.lstrip("/")}
