"""Page cost must not grow with the number of spaces a person is in (no N+1 queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel.actions.spaces import do_add_member
from atrium.modules.links.actions import do_add_link
from tests.factories import make_space, make_user

pytestmark = pytest.mark.django_db


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/", "/spaces/"])
def test_page_queries_do_not_grow_with_spaces(client_for, path):
    """With 3 spaces or 15, the page runs the same number of queries."""
    owner = make_user("owner")
    person = make_user()
    client = client_for(person)

    def add_spaces(count):
        for _ in range(count):
            space = make_space(owner)
            do_add_member(owner, space, person)
            do_add_link(owner, space, url="https://example.org/doc")

    add_spaces(3)
    queries_for(client, path)  # warm caches that are filled once per process
    few = queries_for(client, path)
    add_spaces(12)
    many = queries_for(client, path)
    assert many == few, f"{path}: {few} queries with 3 spaces, {many} with 15"
