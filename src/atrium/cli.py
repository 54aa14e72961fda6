"""The `atrium` command: serve, worker, demo, createuser, check, manage.

    atrium serve              start on http://127.0.0.1:8000 (embedded: SQLite, in-process tasks)
    atrium serve --workers 4  several processes (use PostgreSQL and Redis then)
    atrium --help             every command and option
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("atrium")


def setup_django() -> None:
    """Load the settings; a value Django or a URL parser refuses is a configuration error."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from atrium.config import ConfigError

    try:
        django.setup()
    except ConfigError:
        raise
    except (ImproperlyConfigured, ValueError) as error:
        raise ConfigError(str(error)) from None


def _static_stamp() -> str:
    from django.contrib.staticfiles.finders import get_finders

    from atrium import __version__

    digest = hashlib.sha256(__version__.encode())
    for finder in get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            full = Path(storage.path(path))
            stat = full.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def prepare(verbose: bool = True) -> None:
    """Migrate, create the cache table and collect static files when they changed."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", verbosity=0)
    stamp_file = Path(settings.STATIC_ROOT) / ".atrium-stamp"
    stamp = _static_stamp()
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        if verbose:
            print("Preparing static files…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0, clear=True)
        stamp_file.write_text(stamp)


def start_task_thread() -> threading.Thread:
    """Run background tasks inside this process (the embedded topology)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=1.0, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="embedded",
                    excluded_queue_names=[])
    thread = threading.Thread(target=worker.run, name="atrium-tasks", daemon=True)
    thread.start()
    return thread


def cmd_serve(args: argparse.Namespace) -> int:
    # Links in e-mails (invitations) point where this server listens unless told otherwise.
    host = f"[{args.host}]" if ":" in args.host else args.host
    os.environ.setdefault("ATRIUM_SITE_URL", f"http://{host}:{args.port}")
    setup_django()
    import uvicorn
    from django.conf import settings

    from atrium.kernel.models import Organisation

    if args.workers > 1 and not settings.REDIS_URL:
        print("atrium: several workers need REDIS_URL (they share real-time events and rate "
              "limits through Redis). Set it, or use --workers 1.", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("atrium: --workers must be at least 1.", file=sys.stderr)
        return 2
    prepare()
    from atrium.notifications import vapid

    vapid.ensure_keys()  # web push: the VAPID key pair, generated at the first start
    url = f"http://{args.host}:{args.port}"
    if not Organisation.objects.exists():
        from atrium.web.views.setup import setup_token

        print(f"\nFirst start: open {url}/setup/?token={setup_token(announce=False)}\n"
              "to create your organisation and its owner.\n", flush=True)
    if not args.no_tasks:
        from atrium.kernel import housekeeping

        start_task_thread()
        housekeeping.start_thread()
    print(f"Atrium is running on {url} (data in {settings.DATA_DIR}). Stop with Ctrl+C.",
          flush=True)
    uvicorn.run(
        "atrium.asgi:application", host=args.host, port=args.port, workers=args.workers,
        lifespan="off", log_level=args.log_level, proxy_headers=args.proxy_headers,
        forwarded_allow_ips=os.environ.get("ATRIUM_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        access_log=args.access_log, ws_max_size=1024 * 1024,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    from atrium.kernel import housekeeping

    housekeeping.start_thread()
    call_command("db_worker", queue_name="*", interval=args.interval)
    return 0


def _call(name: str, *argv: str) -> int:
    setup_django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command(name, *argv)
    except CommandError as error:
        print(f"atrium: {error}", file=sys.stderr)
        return error.returncode or 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    prepare(verbose=False)
    argv = ["--password", args.password] if args.password else []
    return _call("demo", *argv)


def cmd_createuser(args: argparse.Namespace) -> int:
    setup_django()
    prepare(verbose=False)
    argv = ["--email", args.email, "--name", args.name, "--role", args.role]
    if args.password_stdin:
        argv.append("--password-stdin")
    return _call("createuser", *argv)


def cmd_check(args: argparse.Namespace) -> int:
    argv = ["--deploy"] if args.deploy else []
    return _call("atrium_check", *argv)


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["atrium manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    from atrium.config import env_int, env_str

    parser = argparse.ArgumentParser(
        prog="atrium",
        description="Atrium, a sovereign digital workplace. Configuration comes from "
        "environment variables (see docs/configuration.md); data lives in ATRIUM_DATA_DIR "
        "(default: ./data).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="apply migrations and serve HTTP and websockets",
                           description="Apply migrations, prepare static files and serve "
                           "Atrium. On the first start, prints the link that creates the "
                           "organisation.")
    serve.add_argument("--host", default=env_str("ATRIUM_HOST", "127.0.0.1"),
                       help="address to listen on (default: ATRIUM_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=env_int("ATRIUM_PORT", 8000),
                       help="port to listen on (default: ATRIUM_PORT or 8000)")
    serve.add_argument("--workers", type=int, default=1,
                       help="number of processes (more than one needs REDIS_URL)")
    serve.add_argument("--no-tasks", action="store_true",
                       help="do not run background tasks in this process (run `atrium worker`)")
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust X-Forwarded-* from ATRIUM_FORWARDED_ALLOW_IPS")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument("--log-level", default="warning",
                       choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks (scaled deployments)")
    worker.add_argument("--interval", type=float, default=1.0,
                        help="seconds between polls when idle")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="fill the instance with a French and English demo "
                          "organisation (about 50 people, a dozen spaces, guests)")
    demo.add_argument("--password", help="password of every demo account (default: printed)")
    demo.set_defaults(func=cmd_demo)

    createuser = sub.add_parser("createuser", help="create a person (member, admin, owner, "
                                "guest)")
    createuser.add_argument("--email", required=True)
    createuser.add_argument("--name", required=True, help="full name")
    createuser.add_argument("--role", default="member",
                            choices=["owner", "admin", "member", "guest"])
    createuser.add_argument("--password-stdin", action="store_true",
                            help="read the password from standard input (else it is generated "
                            "and printed once)")
    createuser.set_defaults(func=cmd_createuser)

    check = sub.add_parser("check", help="check the configuration and the deployment")
    check.add_argument("--deploy", action="store_true",
                       help="also apply the checks for a production deployment")
    check.set_defaults(func=cmd_check)

    manage = sub.add_parser("manage", help="run a Django management command",
                            add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from atrium.config import ConfigError

    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except ConfigError as error:
        print(f"atrium: configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
