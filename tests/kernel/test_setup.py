"""The first start: guarded by a one-time token, creates the organisation and its owner once."""

import pytest
from django.conf import settings

from atrium.kernel.models import AuditEntry, Organisation, Space, User
from atrium.web.views.setup import setup_token, token_file

pytestmark = pytest.mark.django_db


def form(token, **overrides):
    data = {"token": token, "org_name": "Clinique des Tilleuls", "full_name": "Alice Martin",
            "email": "alice@example.org", "password": "correct-horse-battery"}
    data.update(overrides)
    return data


def test_every_page_leads_to_setup_before_the_first_organisation(client):
    """Before setup, the home page and the login page redirect to the first-run page."""
    for path in ("/", "/accounts/login/", "/spaces/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/setup/"


def test_setup_requires_the_token(client):
    """Without the token the page only explains where to find it; a wrong one is refused."""
    setup_token(announce=False)
    assert "setup-token" in client.get("/setup/").content.decode()
    assert client.get("/setup/?token=wrong").status_code == 403
    assert client.post("/setup/", form("wrong")).status_code == 403
    assert not Organisation.objects.exists()


def test_setup_creates_owner_general_space_and_signs_in(client):
    """The form creates the organisation, its owner, a General space, and signs the owner in."""
    token = setup_token(announce=False)
    response = client.post("/setup/", form(token))
    assert response.status_code == 302
    owner = User.objects.get()
    assert owner.role == "owner" and owner.check_password("correct-horse-battery")
    assert Space.objects.filter(personal_owner__isnull=True).count() == 1
    assert client.get("/").status_code == 200
    assert not token_file().exists()
    assert AuditEntry.objects.filter(action="org.created").exists()


def test_setup_cannot_run_twice(client):
    """Once an organisation exists, the setup page only redirects home."""
    token = setup_token(announce=False)
    client.post("/setup/", form(token))
    other = type(client)()
    response = other.post("/setup/", form(token, email="mallory@example.org"))
    assert response.status_code == 302
    assert User.objects.count() == 1


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-email", "valid email address"),
    ("password", "short", "too short"),
    ("org_name", "", "required"),
])
def test_setup_bad_input_is_explained_and_changes_nothing(client, field, value, message):
    """Bad input shows a clear message on the form and creates nothing."""
    token = setup_token(announce=False)
    response = client.post("/setup/", form(token, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_data_dir_holds_the_token_privately():
    """The token file is readable by its owner only."""
    setup_token(announce=False)
    assert oct(token_file().stat().st_mode & 0o777) == "0o600"
    assert token_file().parent == settings.DATA_DIR
