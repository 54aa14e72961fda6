"""French and English everywhere: a complete, compiled catalogue, and pages that follow the
browser's language unless the person chose one in their profile."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from atrium.web.views.setup import setup_token
from tests.factories import World, make_user

MESSAGES = Path(__file__).resolve().parents[2] / "src/atrium/locale/fr/LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|</?\w+[^>]*>")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def read_po(path: Path) -> list[dict]:
    """A tiny .po reader: each entry with its flags, context, ids and translations."""
    entries: list[dict] = []
    entry: dict = {}
    field = ""

    def close() -> None:
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += unquote(line)
        else:
            field, _, rest = line.partition(" ")
            if field in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
                close()
            entry[field] = unquote(rest)
    close()
    for e in entries:
        plural = [v for k, v in sorted(e.items()) if k.startswith("msgstr[")]
        e["forms"] = plural or [e["msgstr"]]
    return entries


def unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


ENTRIES = read_po(MESSAGES / "django.po")
MESSAGE_ENTRIES = [e for e in ENTRIES if e["msgid"]]


def test_the_catalogue_is_not_empty():
    """The French catalogue holds the product's strings, not a stub."""
    assert len(MESSAGE_ENTRIES) > 300
    assert any(e["msgid"] == "Spaces" and e["msgstr"] == "Espaces" for e in MESSAGE_ENTRIES)


def allauth_french() -> gettext.NullTranslations:
    import allauth

    locale = Path(allauth.__file__).parent / "locale"
    return gettext.translation("django", localedir=locale, languages=["fr"])


def test_every_message_is_translated_and_none_is_fuzzy():
    """No French entry is empty or fuzzy, and plural entries have both forms; an entry may
    stay empty only when allauth's own French catalogue translates it (templates of allauth
    overridden here keep allauth's wording)."""
    theirs = allauth_french()
    untranslated = [e["msgid"] for e in MESSAGE_ENTRIES if not all(e["forms"])
                    and theirs.gettext(e["msgid"]) == e["msgid"]]
    fuzzy = [e["msgid"] for e in ENTRIES if "fuzzy" in e.get("flags", set())]
    plurals = [e["msgid"] for e in MESSAGE_ENTRIES if "msgid_plural" in e and len(e["forms"]) != 2]
    assert (untranslated, fuzzy, plurals) == ([], [], [])


def test_translations_keep_every_placeholder_and_tag():
    """Each translation keeps the %(name)s placeholders and HTML tags of its source text."""
    broken = []
    for e in MESSAGE_ENTRIES:
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for i, form in enumerate(e["forms"]):
            source = sources[min(i, 1)]
            kept = sorted(set(PLACEHOLDER.findall(form)))
            if form and kept != sorted(set(PLACEHOLDER.findall(source))):
                broken.append(e["msgid"])
    assert broken == []


def test_the_compiled_catalogue_matches_the_po_file():
    """django.mo holds exactly the messages of django.po (run compilemessages after edits)."""
    with open(MESSAGES / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalogue = {k: v for k, v in compiled._catalog.items() if k != ""}
    expected: dict = {}
    for e in (e for e in MESSAGE_ENTRIES if all(e["forms"])):
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            expected.update({(key, i): form for i, form in enumerate(e["forms"])})
        else:
            expected[key] = e["msgstr"]
    assert catalogue == expected
    assert compiled.info().get("language") == "fr"
    assert compiled.ngettext("%(n)s member", "%(n)s members", 2) == "%(n)s membres"


PageCase = tuple[str, str, Callable[[World], str], str, str]
PAGES: list[PageCase] = [
    ("home", "member", lambda w: "/", "Bonjour", "Hello"),
    ("spaces", "member", lambda w: "/spaces/", "Rechercher des espaces", "Search spaces"),
    ("space home", "member", lambda w: f"/s/{w.space.slug}/", "Vue d’ensemble", "Overview"),
    ("members", "space_admin", lambda w: f"/s/{w.space.slug}/members/", "Ajouter quelqu’un",
     "Add someone"),
    ("space settings", "space_admin", lambda w: f"/s/{w.space.slug}/settings/",
     "Applications et droits", "Apps and rights"),
    ("links", "member", lambda w: f"/s/{w.space.slug}/links/", "Partager un lien",
     "Share a link"),
    ("people", "member", lambda w: "/people/", "Rechercher par nom", "Search by name"),
    ("person", "org_admin", lambda w: f"/people/{w.member.pk}/", "Gérer cette personne",
     "Manage this person"),
    ("profile", "member", lambda w: "/profile/", "À propos de moi", "About me"),
    ("tokens", "member", lambda w: "/profile/tokens/", "Créer un jeton", "Create a token"),
    ("manage", "org_admin", lambda w: "/manage/", "Stockage des fichiers", "File storage"),
    ("manage people", "org_admin", lambda w: "/manage/people/", "Dernière connexion",
     "Last sign-in"),
    ("manage person", "org_admin", lambda w: f"/manage/people/{w.member.pk}/",
     "Rôle dans l’organisation", "Role in the organisation"),
    ("manage invitations", "org_admin", lambda w: "/manage/invitations/",
     "Envoyer l’invitation", "Send the invitation"),
    ("manage modules", "org_admin", lambda w: "/manage/modules/",
     "Activez les applications", "Switch on the apps"),
    ("manage security", "org_admin", lambda w: "/manage/security/",
     "Exiger un second facteur", "Require a second factor"),
    ("manage audit", "org_admin", lambda w: "/manage/audit/", "Journal d’audit", "Audit log"),
]


@pytest.mark.parametrize(("name", "role", "url", "french", "english"), PAGES,
                         ids=[p[0] for p in PAGES])
def test_pages_follow_the_browser_language(world, client_for, name, role, url, french,
                                           english):
    """Each shell page is in French for a French browser and in English for an English one."""
    client = client_for(world.user(role))
    fr = client.get(url(world), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    en = client.get(url(world), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert (fr.status_code, en.status_code) == (200, 200)
    fr_html, en_html = fr.content.decode(), en.content.decode()
    assert '<html lang="fr">' in fr_html and french in fr_html
    assert ">Espaces<" in fr_html and ">Spaces<" not in fr_html
    assert '<html lang="en">' in en_html and english in en_html
    assert ">Spaces<" in en_html and french not in en_html


@pytest.mark.parametrize(("language", "expected", "absent"), [
    ("fr", ["Se connecter", "Mot de passe"], "Password"),
    ("en", ["Sign In", "Password"], "Mot de passe"),
])
def test_the_sign_in_page_follows_the_browser_language(world, client, language, expected,
                                                       absent):
    """The sign-in page (allauth's own translations) speaks the browser's language."""
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html
    assert all(text in html for text in expected) and absent not in html


@pytest.mark.parametrize(("language", "with_token", "expected"), [
    ("fr", False, "Bienvenue dans Atrium"),
    ("en", False, "Welcome to Atrium"),
    ("fr", True, "Créez votre organisation"),
    ("en", True, "Create your organisation"),
])
def test_the_setup_page_follows_the_browser_language(db, client, language, with_token,
                                                     expected):
    """The first-run page, before any organisation exists, speaks the browser's language."""
    token = setup_token(announce=False)
    url = f"/setup/?token={token}" if with_token else "/setup/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html and expected in html


@pytest.mark.parametrize(("chosen", "browser", "lang", "expected"), [
    ("fr", "en", "fr", "Mes espaces"),
    ("en", "fr", "en", "My spaces"),
    ("", "fr", "fr", "Mes espaces"),
    ("", "en", "en", "My spaces"),
])
def test_the_profile_language_wins_over_the_browser(org, client_for, chosen, browser, lang,
                                                    expected):
    """A person who chose a language in their profile gets it whatever their browser says."""
    person = make_user(language=chosen)
    html = client_for(person).get("/", HTTP_ACCEPT_LANGUAGE=browser).content.decode()
    assert f'<html lang="{lang}">' in html and expected in html


def test_choosing_french_in_the_profile_switches_the_interface(member, client_for):
    """Saving "Français" in the profile turns the next pages French, even for an English
    browser."""
    client = client_for(member)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language"' in page
    response = client.post("/profile/", {"full_name": member.full_name, "language": "fr"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 302)
    fresh = Client()
    fresh.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    html = fresh.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in html and "Mes espaces" in html


def test_an_anonymous_visitor_can_switch_to_french(world, client):
    """The switch on the sign-in page posts to /i18n/setlang/ and the next page is French."""
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'value="fr"' in html
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"},
                HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in html and "Mot de passe" in html


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Cette adresse n’existe pas dans l’API."),
    ("en", "There is no such address in the API."),
])
def test_api_errors_follow_the_browser_language(member, client_for, language, message):
    """JSON error messages of the API are translated too."""
    response = client_for(member).get("/api/v1/no-such-endpoint",
                                      HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == message
