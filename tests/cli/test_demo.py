"""`atrium demo`: a realistic French-and-English organisation, loaded once, through actions."""

import re
import time

import pytest
from django.test import Client

from atrium.kernel.models import JoinRequest, OrgRole, Space, SpaceRole, User, Visibility
from atrium.modules.links.models import Link
from tests.factories import make_user

PASSWORD = "tilleuls-demo-2024"
pytestmark = pytest.mark.django_db


def shared_spaces():
    return Space.objects.filter(personal_owner__isnull=True)


def signs_in(email: str, password: str) -> bool:
    return Client().login(email=email, password=password)


def test_demo_fills_an_empty_instance_quickly(atrium):
    """About 50 people, a dozen spaces of every visibility, guests, requests and links."""
    started = time.monotonic()
    code, out, err = atrium("demo", "--password", PASSWORD)
    assert code == 0, err
    assert time.monotonic() - started < 30
    people = User.objects.filter(personal_space__isnull=False)
    assert 48 <= people.count() <= 60
    assert people.filter(role=OrgRole.OWNER).count() == 1
    assert people.filter(role=OrgRole.ADMIN).count() >= 2
    assert set(people.values_list("language", flat=True)) >= {"fr", "en"}
    assert {"Cardiologie", "Urgences", "IT", "Direction", "Communication"} <= set(
        people.values_list("team", flat=True))
    assert not people.filter(job_title="").exclude(role=OrgRole.GUEST).exists()
    assert shared_spaces().count() >= 12
    assert set(shared_spaces().values_list("visibility", flat=True)) == set(Visibility.values)
    roles = set(Space.objects.filter(personal_owner__isnull=True)
                .values_list("memberships__role", flat=True))
    assert roles == set(SpaceRole.values)
    assert JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count() >= 3
    assert Link.objects.values("space").distinct().count() >= 4
    assert "claire.dumont@tilleuls.example" in out
    assert f"Password of every demo account: {PASSWORD}" in out


def test_demo_guests_are_in_one_or_two_spaces_only(atrium):
    """Each of the three or four guests belongs to one or two spaces and sees nothing else."""
    assert atrium("demo", "--password", PASSWORD)[0] == 0
    guests = User.objects.filter(role=OrgRole.GUEST)
    assert 3 <= guests.count() <= 4
    for guest in guests:
        spaces = shared_spaces().filter(memberships__user=guest)
        assert 1 <= spaces.count() <= 2, guest.email
        seen = set(Space.objects.restrict(guest, "see").filter(personal_owner__isnull=True))
        assert seen == set(spaces), guest.email
        assert not guest.email.endswith("@tilleuls.example")


def test_demo_accounts_sign_in_with_the_printed_password(atrium):
    """Without --password one is generated, printed once, and works for every account."""
    code, out, _err = atrium("demo")
    assert code == 0
    password = re.search(r"Password of every demo account: (\S+)", out).group(1)
    emails = re.findall(r"^\s+(\S+@\S+)\s", out, flags=re.MULTILINE)
    assert len(emails) >= 3
    for email in emails:
        assert signs_in(email, password), email
    assert not signs_in(emails[0], password + "x")


def test_demo_refuses_to_load_twice(atrium):
    """A second run changes nothing and says why."""
    assert atrium("demo", "--password", PASSWORD)[0] == 0
    before = (User.objects.count(), Space.objects.count(), Link.objects.count())
    code, _out, err = atrium("demo", "--password", PASSWORD)
    assert code != 0
    assert "already loaded" in err
    assert (User.objects.count(), Space.objects.count(), Link.objects.count()) == before


def test_demo_refuses_a_weak_password_and_creates_nothing(atrium):
    """--password is checked like any password, before anything is written."""
    code, _out, err = atrium("demo", "--password", "123")
    assert code != 0
    assert "password" in err.lower()
    assert not User.objects.exists()


def test_demo_joins_an_existing_organisation_without_new_owner(atrium):
    """On an instance already set up, the demo adds people but keeps the owners as they are."""
    owner = make_user(OrgRole.OWNER, "Existing Owner")
    code, _out, err = atrium("demo", "--password", PASSWORD)
    assert code == 0, err
    assert list(User.objects.filter(role=OrgRole.OWNER)) == [owner]
    assert User.objects.get(email="claire.dumont@tilleuls.example").role == OrgRole.ADMIN
    assert shared_spaces().count() >= 12


def test_demo_has_lively_chat(atrium):
    """Channels in several spaces with threads, mentions, reactions and pins; a private
    channel only its members read; direct conversations; all through the chat's rules."""
    from atrium.kernel.abilities import abilities
    from atrium.modules.chat.models import Channel, Mention, Message, Reaction

    code, out, _err = atrium("demo", "--password", PASSWORD)
    assert code == 0
    assert "chat messages" in out
    messages = Message.objects.all()
    assert messages.count() >= 25
    assert messages.filter(thread_root__isnull=False).count() >= 5
    assert Mention.objects.exists() and Reaction.objects.count() >= 10
    assert messages.filter(pinned_at__isnull=False).count() >= 2
    assert messages.filter(mentions_channel=True).exists()
    assert "<script" not in "".join(messages.values_list("html", flat=True))
    private = Channel.objects.get(name="coordinators")
    reader = User.objects.get(email__startswith="mathieu.caron")
    outsider = User.objects.get(email__startswith="aissatou.diallo")
    assert abilities(reader, private)["view"] and not abilities(outsider, private)["view"]
    assert Channel.objects.filter(kind="direct").count() == 2


def test_the_demo_has_an_organisation_chart_and_skills(atrium):
    """Every member of the staff but the owner has a manager, heads of team report to the
    owner, and the directory's skill facet has something to offer."""
    code, _out, _err = atrium("demo", "--password", PASSWORD)
    assert code == 0
    owner = User.objects.get(role="owner")
    staff = User.objects.exclude(role="guest").exclude(pk=owner.pk).filter(is_bot=False)
    assert staff.exists() and not staff.filter(manager__isnull=True).exists()
    assert owner.reports.count() >= 5
    assert User.objects.filter(skills__icontains="triage").exists()
