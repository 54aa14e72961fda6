"""`atrium demo`: a living French-and-English workplace to look around in.

Everything is made through the same actions as the product (people, spaces, memberships,
join requests, links), so the demo obeys every rule a real organisation does.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from atrium.kernel.actions.modules import do_configure_space_module
from atrium.kernel.actions.people import check_password, do_create_user
from atrium.kernel.actions.setup import do_create_organisation
from atrium.kernel.actions.spaces import do_add_member, do_create_space, do_request_join
from atrium.kernel.errors import ActionError
from atrium.kernel.management import demo_data as data
from atrium.kernel.models import Organisation, OrgRole, Space, SpaceRole, User
from atrium.modules.links.actions import do_add_link


def ascii_slug(text: str) -> str:
    """'Aïssatou' -> 'aissatou', "O'Connor" -> 'oconnor'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in ".-")


def address(person: data.Person) -> str:
    if person.email:
        return person.email
    return f"{ascii_slug(person.first)}.{ascii_slug(person.last)}@{data.DOMAIN}"


def key_of(person: data.Person) -> str:
    return address(person).split("@")[0]


def phone(index: int, person: data.Person) -> str:
    if person.role == OrgRole.GUEST:
        return ""
    if "Genève" in person.location:
        return f"+41 22 555 {10 + index:02d} {40 + index:02d}"
    return f"+33 4 72 55 {10 + index:02d} {60 - index:02d}"


class DemoLoader:
    """Builds the demo organisation; one instance per run."""

    def __init__(self, password: str):
        self.password = password
        self.hashed = make_password(password)
        self.people: dict[str, User] = {}
        self.spaces: dict[str, Space] = {}
        self.counts = {"links": 0, "requests": 0, "memberships": 0, "messages": 0}
        self.org_created = False
        self.general: Space | None = None

    def load(self) -> None:
        org = Organisation.current()
        if org is None:
            self._create_organisation()
        for index, person in enumerate(data.PEOPLE + data.GUESTS):
            if key_of(person) not in self.people:
                self._create_person(index, person)
        if self.general is not None:
            self._add_everyone(self.people[data.OWNER], self.general)
        for plan in data.SPACES:
            self._create_space(plan)
        self._organise()
        self._invite_guests()
        self._chat()
        self._feed()

    def _profile(self, index: int, person: data.Person) -> dict[str, Any]:
        return {"job_title": person.job_title, "team": person.team,
                "languages": person.languages, "location": person.location,
                "phone": phone(index, person)}

    def _create_organisation(self) -> None:
        plan = next(p for p in data.PEOPLE if key_of(p) == data.OWNER)
        _org, owner = do_create_organisation(
            name=data.ORG_NAME, owner_email=address(plan),
            owner_name=f"{plan.first} {plan.last}", password=self.password,
            language=plan.language)
        from atrium.kernel.actions.people import do_update_profile

        do_update_profile(owner, owner, self._profile(0, plan))
        self.people[data.OWNER] = owner
        self.org_created = True
        # The organisation's first space ("Général"), which everyone joins.
        self.general = Space.objects.filter(created_by=owner, personal_owner__isnull=True).first()
        if self.general is not None:
            self.spaces[self.general.name] = self.general

    def _create_person(self, index: int, person: data.Person) -> None:
        role = person.role
        if role == OrgRole.OWNER and not self.org_created:
            role = OrgRole.ADMIN  # an existing organisation keeps its own owners
        self.people[key_of(person)] = do_create_user(
            email=address(person), full_name=f"{person.first} {person.last}", role=role,
            password_hash=self.hashed, language=person.language, **self._profile(index, person))

    def _organise(self) -> None:
        """Skills by team, and an organisation chart: the first person of each team reports
        to the owner, the others to the first person of their team."""
        from atrium.kernel.actions.people import do_update_profile

        owner = self.people[data.OWNER]
        heads: dict[str, User] = {owner.team: owner} if owner.team else {}
        for person in data.PEOPLE:
            user = self.people.get(key_of(person))
            if user is None or user.manager_id or user.pk == owner.pk:
                continue
            head = heads.setdefault(person.team, user)
            changes: dict[str, Any] = {"manager": owner if head.pk == user.pk else head}
            if person.team in data.TEAM_SKILLS and not user.skills:
                changes["skills"] = data.TEAM_SKILLS[person.team]
            do_update_profile(owner, user, changes)

    def staff(self) -> list[User]:
        return [self.people[key_of(p)] for p in data.PEOPLE if key_of(p) in self.people]

    def _add(self, actor: User, space: Space, person: User, role: str,
             present: set[int]) -> None:
        if person.pk in present:
            return
        do_add_member(actor, space, person, role)
        present.add(person.pk)
        self.counts["memberships"] += 1

    def _add_everyone(self, actor: User, space: Space) -> None:
        present = set(space.memberships.values_list("user_id", flat=True))
        for person in self.staff():
            self._add(actor, space, person, SpaceRole.MEMBER, present)

    def _create_space(self, plan: data.SpacePlan) -> None:
        creator = self.people[plan.admins[0]]
        space = do_create_space(creator, name=plan.name, description=plan.description,
                                visibility=plan.visibility)
        self.spaces[plan.name] = space
        present = {creator.pk}
        for key in plan.admins[1:]:
            self._add(creator, space, self.people[key], SpaceRole.ADMIN, present)
        for key in plan.members:
            if key == data.EVERYONE:
                for person in self.staff():
                    self._add(creator, space, person, SpaceRole.MEMBER, present)
            else:
                self._add(creator, space, self.people[key], SpaceRole.MEMBER, present)
        for key in plan.readers:
            self._add(creator, space, self.people[key], SpaceRole.READER, present)
        for key, message in plan.requests:
            do_request_join(self.people[key], space, message)
            self.counts["requests"] += 1
        if plan.members == (data.EVERYONE,):
            # A notice board: everyone reads the links, only the space's admins add them.
            do_configure_space_module(creator, space, "links", member_access="read")
        authors = [self.people[key] for key in plan.admins + plan.members
                   if key != data.EVERYONE] or [creator]
        if plan.members == (data.EVERYONE,):
            authors = [self.people[key] for key in plan.admins]
        for number, (url, title, description, tags) in enumerate(plan.links):
            do_add_link(authors[number % len(authors)], space, url=url, title=title,
                        description=description, tags=tags)
            self.counts["links"] += 1

    def _chat(self) -> None:
        from atrium.kernel import modules as module_state

        if not module_state.enabled_for_instance("chat"):
            return
        from atrium.modules.chat.demo import load_chat_demo

        self.counts["messages"] = load_chat_demo(self.people, self.spaces)["messages"]

    def _feed(self) -> None:
        from atrium.kernel import modules as module_state

        if module_state.enabled_for_instance("feed"):
            from atrium.modules.feed.demo import load_feed_demo

            self.counts["posts"] = load_feed_demo(self.people, self.spaces)["posts"]

    def _invite_guests(self) -> None:
        for guest_key, places in data.GUEST_SPACES.items():
            guest = self.people[guest_key]
            for space_name, role in places:
                space = self.spaces[space_name]
                plan = next(p for p in data.SPACES if p.name == space_name)
                self._add(self.people[plan.admins[0]], space, guest, role, set())


class Command(BaseCommand):
    help = "Fill the instance with a French and English demo organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password",
                            help="password of every demo account (default: generated)")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(email__iendswith="@" + data.DOMAIN).exists():
            raise CommandError(_("The demo is already loaded (people with @%(domain)s "
                                 "addresses exist). Start from an empty data folder to load "
                                 "it again.") % {"domain": data.DOMAIN})
        password = options.get("password") or secrets.token_urlsafe(12)
        try:
            check_password(password)
        except ActionError as error:
            raise CommandError(_("This password cannot be used: %(reason)s")
                               % {"reason": error.message}) from None
        started = time.monotonic()
        loader = DemoLoader(password)
        try:
            with transaction.atomic():
                loader.load()
        except ActionError as error:
            raise CommandError(_("The demo could not be loaded: %(reason)s")
                               % {"reason": error.message}) from None
        self._report(loader, password, time.monotonic() - started)

    def _report(self, loader: DemoLoader, password: str, seconds: float) -> None:
        guests = sum(1 for p in loader.people.values() if p.role == OrgRole.GUEST)
        self.stdout.write(_(
            "Demo loaded in %(seconds).1f s: %(people)d people (%(guests)d guests), "
            "%(spaces)d spaces, %(posts)d posts, %(links)d links, %(messages)d chat messages, "
            "%(requests)d pending join requests."
        ) % {"seconds": seconds, "people": len(loader.people), "guests": guests,
             "spaces": len(loader.spaces), "links": loader.counts["links"],
             "messages": loader.counts["messages"], "posts": loader.counts.get("posts", 0),
             "requests": loader.counts["requests"]})
        self.stdout.write(_("Sign in at %(url)s/accounts/login/ as, for example:")
                          % {"url": settings.SITE_URL})
        samples = [data.OWNER, "karim.benali", "emilie.rousseau", "sarah.mitchell",
                   "helene.roussel"]
        for key in samples:
            person = loader.people[key]
            self.stdout.write(f"  {person.email:<42} {person.get_role_display()} — "
                              f"{person.job_title}")
        self.stdout.write(_("Password of every demo account: %(password)s")
                          % {"password": password})
