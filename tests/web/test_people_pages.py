"""The directory page: search, facets by team, skill and language, cards, paging, cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel.actions.status import do_set_status
from atrium.kernel.directory import forget_facets
from tests.factories import ROLES, make_user, make_world

pytestmark = pytest.mark.django_db


def names_on(response):
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name in ("Ana Alpha", "Ben Beta", "Cy Gamma") if name in html}


@pytest.fixture
def crew(org):
    return [
        make_user(name="Ana Alpha", team="Urgences", job_title="Infirmière",
                  skills="triage, Python", languages="French, English"),
        make_user(name="Ben Beta", team="urgences", skills="Pythonista", languages="English"),
        make_user(name="Cy Gamma", team="Urgences-Nord", skills="python",
                  languages="Italian"),
    ]


def test_facets_list_the_values_present_with_counts(crew, client_for):
    """Team, skill and language selects offer the values present, most frequent first."""
    html = client_for(crew[0]).get("/people/").content.decode()
    assert '<select id="facet-team" name="team">' in html
    assert '<option value="Urgences">Urgences (2)</option>' in html
    assert '<option value="Urgences-Nord">Urgences-Nord (1)</option>' in html
    assert '<option value="Python">Python (2)</option>' in html
    assert '<option value="English">English (2)</option>' in html
    assert html.index("Python (2)") < html.index("Pythonista (1)")


@pytest.mark.parametrize("query,expected", [
    ({"team": "URGENCES"}, {"Ana Alpha", "Ben Beta"}),
    ({"skill": "python"}, {"Ana Alpha", "Cy Gamma"}),
    ({"language": "english"}, {"Ana Alpha", "Ben Beta"}),
    ({"team": "urgences", "skill": "python"}, {"Ana Alpha"}),
    ({"q": "ana infirmière", "language": "French"}, {"Ana Alpha"}),
    ({"q": "python"}, {"Ana Alpha", "Ben Beta", "Cy Gamma"}),
    ({"q": "gamma italian"}, {"Cy Gamma"}),
    ({"skill": "nobody-has-this"}, set()),
])
def test_filters_and_words_combine(crew, client_for, query, expected):
    """Filters match a whole item in any case; words must all match somewhere."""
    assert names_on(client_for(make_user()).get("/people/", query)) == expected


def test_the_chosen_filter_stays_selected_even_when_rare(crew, client_for):
    """A filter value outside the listed facets is still shown, selected."""
    html = client_for(crew[0]).get("/people/", {"skill": "cobol"}).content.decode()
    assert '<option value="cobol" selected>cobol</option>' in html
    assert "Nobody matches this search." in html


def test_cards_show_job_team_skills_and_status(crew, client_for):
    """A card has the name, job, team, skill chips and the current status."""
    do_set_status(crew[0], emoji="🏖", text="On leave")
    html = client_for(crew[1]).get("/people/", {"q": "Ana"}).content.decode()
    assert "Infirmière · Urgences" in html
    assert '<li class="tag">triage</li><li class="tag">Python</li>' in html
    assert "🏖 On leave" in html


def test_htmx_asks_for_the_results_only(crew, client_for):
    """An htmx request gets the results fragment, without the page or the facets."""
    response = client_for(crew[0]).get("/people/", {"team": "urgences"},
                                       HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "facet-team" not in html
    assert "Ana Alpha" in html and "Cy Gamma" not in html


def test_paging_keeps_the_filters(org, client_for):
    """Page links carry the search and the filters."""
    for n in range(50):
        make_user(name=f"Nurse {n:02}", team="Bloc", skills="suture")
    html = client_for(make_user()).get("/people/", {"team": "Bloc", "q": "nurse"})\
        .content.decode()
    assert "50 people" in html
    assert 'href="?q=nurse&amp;team=Bloc&amp;page=2"' in html
    second = client_for(make_user()).get("/people/", {"team": "Bloc", "q": "nurse",
                                                      "page": 2}).content.decode()
    assert "Nurse 49" in second and "Nurse 00" not in second


def test_hostile_profile_text_is_escaped(org, client_for):
    """Skills, teams and statuses with markup are shown as text."""
    evil = "<script>alert(1)</script>"
    make_user(name="Eve <b>", team=evil, skills=f"{evil}, <img src=x onerror=alert(1)>",
              languages=evil)
    html = client_for(make_user()).get("/people/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("query", [{"team": "a\x00b"}, {"q": "x" * 5000}, {"page": "-3"},
                                   {"page": "abc"}, {"skill": "é" * 500}])
def test_odd_input_never_breaks_the_page(crew, client_for, query):
    """NUL characters, overlong words or pages answer a normal page."""
    assert client_for(crew[0]).get("/people/", query).status_code == 200


def test_guests_do_not_browse_the_directory(client_for):
    """The directory is for members: a guest gets 404 (it still opens co-members' pages)."""
    world = make_world()
    assert client_for(world.guest).get("/people/", {"team": "x"}).status_code == 404


def test_directory_queries_do_not_grow_with_people(org, client_for):
    """With 5 people or 40 (one page), the directory runs the same number of queries,
    with the facets computed (after a change to people) or cached."""
    viewer = make_user()
    client = client_for(viewer)

    def add(count, start):
        for n in range(start, start + count):
            person = make_user(team=f"Team {n % 7}", skills=f"s{n}, common",
                               languages="French")
            do_set_status(person, emoji="🙂", text="Here")

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/people/", {"skill": "common"}).status_code == 200
        return len(captured)

    add(5, 0)
    count_queries()  # warm what is filled once per process
    forget_facets()
    cold_few, warm_few = count_queries(), count_queries()
    add(35, 5)
    cold_many, warm_many = count_queries(), count_queries()
    assert (cold_many, warm_many) == (cold_few, warm_few)
    assert warm_few == cold_few - 3  # the facets come from the cache


@pytest.mark.parametrize("htmx", [False, True])
def test_directory_as_every_role(client_for, htmx):
    """Members and admins browse (page or fragment); guests 404; others sign in first."""
    world = make_world()
    expected = ["302L", 404, 200, 200, 200, 200, 200, "302L"]
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for role, want in zip(ROLES, expected, strict=True):
        response = client_for(world.user(role)).get("/people/", {"skill": "x"}, **headers)
        if want == "302L":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == want, role


def test_facets_follow_profile_changes_and_departures(crew, client_for):
    """Cached facets are dropped when someone edits skills or leaves."""
    from atrium.kernel.actions.people import do_deactivate_user, do_update_profile

    client = client_for(make_user())
    assert "Cobol" not in client.get("/people/").content.decode()
    do_update_profile(crew[1], crew[1], {"skills": "Cobol"})
    assert '<option value="Cobol">Cobol (1)</option>' in client.get("/people/").content.decode()
    do_deactivate_user(make_user("owner"), crew[1])
    assert "Cobol" not in client.get("/people/").content.decode()
