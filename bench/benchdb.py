"""The throw-away database a benchmark's child process measures on (SQLite file in its data
folder, or a fresh PostgreSQL database on the server of `url`), migrated and ready."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(backend: str, url: str | None, data_dir: str, database: str) -> None:
    os.environ["ATRIUM_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "atrium.settings"
    if backend == "postgresql":
        import psycopg

        assert url
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {database}")
            pg.execute(f"CREATE DATABASE {database}")
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{database}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # when a database cache is configured
