"""`atrium check`: Django's system checks plus Atrium's own, one line each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from atrium.kernel.management import health


class Command(BaseCommand):
    help = "Check the configuration and the deployment (database, Redis, storage, e-mail)."
    requires_system_checks: list[str] = []  # they run below, reported line by line

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--deploy", action="store_true",
                            help="also apply the checks for a production deployment")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {health.OK: 0, health.WARNING: 0, health.ERROR: 0}
        for result in health.run(options["deploy"]):
            counts[result.level] += 1
            self.stdout.write(result.line())
        self.stdout.write(_("%(ok)d OK, %(warnings)d warning(s), %(errors)d error(s).")
                          % {"ok": counts[health.OK], "warnings": counts[health.WARNING],
                             "errors": counts[health.ERROR]})
        if counts[health.ERROR]:
            raise CommandError(_("%(count)d check(s) failed; see the ERROR lines above.")
                               % {"count": counts[health.ERROR]})
