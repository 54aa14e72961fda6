"""`atrium createuser`: a person created through do_create_user, or a clear refusal."""

import io
import re

import pytest
from django.test import Client

from atrium.kernel.models import OrgRole, User
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", OrgRole.values)
def test_createuser_generates_and_prints_a_password(atrium, role):
    """Without --password-stdin a strong password is generated, printed once, and works."""
    make_org()
    code, out, err = atrium("createuser", "--email", "Zoe.Martin@Example.org",
                            "--name", "Zoé Martin", "--role", role)
    assert code == 0, err
    user = User.objects.get(email="zoe.martin@example.org")
    assert (user.full_name, user.role) == ("Zoé Martin", role)
    assert user.personal_space is not None
    password = re.search(r"Password \(shown once\): (\S+)", out).group(1)
    assert len(password) >= 16
    assert Client().login(email="zoe.martin@example.org", password=password)


def test_createuser_reads_the_password_from_stdin(atrium, monkeypatch):
    """--password-stdin takes the first line of standard input and prints no password."""
    make_org()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-chosen-secret\nignored\n"))
    code, out, err = atrium("createuser", "--email", "ana@example.org", "--name", "Ana",
                            "--password-stdin")
    assert code == 0, err
    assert "Password" not in out
    assert Client().login(email="ana@example.org", password="a-long-chosen-secret")


@pytest.mark.parametrize("email, stdin, message", [
    ("not-an-address", None, "valid e-mail"),
    ("taken@example.org", None, "already uses this e-mail"),
    ("new@example.org", "1234\n", "password"),
    ("new@example.org", "\n", "No password"),
])
def test_createuser_refuses_bad_input_clearly(atrium, monkeypatch, email, stdin, message):
    """Bad e-mail, duplicate, weak or empty password: a message, non-zero exit, no person."""
    make_user(email="taken@example.org")
    before = User.objects.count()
    argv = ["createuser", "--email", email, "--name", "Someone"]
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        argv.append("--password-stdin")
    code, _out, err = atrium(*argv)
    assert code != 0
    assert message in err
    assert User.objects.count() == before


def test_createuser_without_organisation_says_what_to_do(atrium):
    """Before the first start there is no organisation: the message points to atrium serve."""
    code, _out, err = atrium("createuser", "--email", "a@example.org", "--name", "A")
    assert code != 0
    assert "no organisation yet" in err
    assert "atrium serve" in err
    assert not User.objects.exists()
