"""`atrium createuser`: add a person from the command line (and recover a lost owner)."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from atrium.kernel.actions.people import do_create_user
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Organisation, OrgRole


class Command(BaseCommand):
    help = "Create a person (owner, admin, member or guest) with a verified e-mail address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="full name")
        parser.add_argument("--role", default=OrgRole.MEMBER, choices=OrgRole.values)
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.current() is None:
            raise CommandError(_(
                "There is no organisation yet. Run `atrium serve` and open the first-start "
                "link it prints to create it (or load the demo with `atrium demo`)."))
        password: str | None = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("No password was given on standard input."))
        generated = password is None
        if password is None:
            password = secrets.token_urlsafe(15)
        try:
            user = do_create_user(email=options["email"], full_name=options["name"],
                                  role=options["role"], password=password)
        except ActionError as error:
            raise CommandError(_("Cannot create %(email)s: %(reason)s")
                               % {"email": options["email"], "reason": error.message}) from None
        self.stdout.write(_("Created %(name)s <%(email)s>, %(role)s.")
                          % {"name": user.full_name, "email": user.email,
                             "role": user.get_role_display().lower()})
        if generated:
            self.stdout.write(_("Password (shown once): %(password)s") % {"password": password})
