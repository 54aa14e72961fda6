"""The feed's pages: home (also at /), a space's feed, one post, a person's posts, a hashtag,
search and announcements, drawn for the person who asks; every form works without scripts,
shows its refusal's message and keeps what was typed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from atrium.modules.feed import actions
from atrium.modules.feed.actions import PollSpec
from atrium.modules.feed.models import Comment, Confirmation, PollVote, Post, Reaction, Report
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_of(response) -> str:
    return response.content.decode()


def test_home_page_draws_the_feed_with_composer_and_posts(client_for):
    """/ shows the composer, the member's posts, a poll with its options and the order toggle."""
    world = make_world()
    actions.do_create_post(world.member, world.space, body="Hello #cardio team",
                           poll=PollSpec(options=["Yes", "No"]))
    response = client_for(world.member).get("/")
    assert response.status_code == 200
    html = text_of(response)
    assert 'id="composer"' in html
    assert "Hello" in html and 'href="/feed/tags/cardio/"' in html
    assert "Yes" in html and 'name="option"' in html
    assert "?order=activity" in html


def test_composer_offers_only_spaces_where_one_may_post(client_for):
    """A reader's space is not offered; the member's is; announcement fields only to admins."""
    world = make_world()
    reader_home = text_of(client_for(world.reader).get("/feed/"))
    assert f'<option value="{world.space.pk}"' not in reader_home
    member_home = text_of(client_for(world.member).get("/feed/"))
    assert f'<option value="{world.space.pk}">' in member_home  # no data-announce
    admin_home = text_of(client_for(world.space_admin).get("/feed/"))
    assert f'<option value="{world.space.pk}" data-announce="1"' in admin_home


def test_post_with_image_file_and_poll_from_the_composer(client_for):
    """A post with an image, a file and a poll lands in the space and on its page."""
    world = make_world()
    client = client_for(world.member)
    response = client.post("/feed/new/", {
        "space": world.space.pk, "body": "Our **new** ward", "next": "/feed/",
        "images": [png()], "files": [SimpleUploadedFile("notes.txt", b"hello notes")],
        "poll_option": ["Monday", "Tuesday", ""], "poll_multiple": "1"})
    post = Post.objects.get(body="Our **new** ward")
    assert response.status_code == 302
    assert response["Location"] == f"/feed/#post-{post.pk}"
    assert post.poll.multiple and post.poll.options.count() == 2
    page = text_of(client.get(f"/s/{world.space.slug}/feed/{post.pk}/"))
    assert "<strong>new</strong>" in page
    image = post.attachments.get(is_image=True)
    assert f'/s/{world.space.slug}/feed/{post.pk}/files/{image.pk}' in page
    assert "notes.txt" in page and 'type="checkbox" name="option"' in page
    assert f'/s/{world.space.slug}/feed/{post.pk}/files/{image.pk}?s=1024' in page
    served = client.get(f"/s/{world.space.slug}/feed/{post.pk}/files/{image.pk}")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    thumb = client.get(f"/s/{world.space.slug}/feed/{post.pk}/files/{image.pk}?s=512")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert client.get(f"/s/{world.space.slug}/feed/{post.pk}/files/{image.pk}?s=77") \
        .status_code == 404
    other = post.attachments.get(is_image=False)
    download = client.get(f"/s/{world.space.slug}/feed/{post.pk}/files/{other.pk}")
    assert download["Content-Type"] == "application/octet-stream"
    assert client.get(f"/s/{world.space.slug}/feed/{post.pk}/files/{other.pk}?s=512") \
        .status_code == 404
    assert client_for(world.outsider).get(
        f"/s/{world.space.slug}/feed/{post.pk}/files/{image.pk}").status_code == 404


def test_refused_post_shows_the_message_and_keeps_the_text(client_for):
    """An empty poll option set is refused in the page, with the typed body kept, no post."""
    world = make_world()
    response = client_for(world.member).post("/feed/new/", {
        "space": world.space.pk, "body": "Keep <me>", "poll": "1",
        "poll_option": ["Only one"]})
    assert response.status_code == 400
    html = text_of(response)
    assert 'role="alert"' in html and "at least two options" in html
    assert "Keep &lt;me&gt;" in html and 'value="Only one"' in html
    assert not Post.objects.filter(body="Keep <me>").exists()


def test_post_without_a_space_is_refused_with_the_field(client_for):
    """No space chosen: a clear message, status 400, nothing created."""
    world = make_world()
    response = client_for(world.member).post("/feed/new/", {"body": "Where?"})
    assert response.status_code == 400
    assert "Choose the space" in text_of(response)
    assert not Post.objects.exists()


def test_space_composer_refusal_stays_on_the_space_page(client_for):
    """A too long post from a space's feed comes back to that page with the message."""
    world = make_world()
    response = client_for(world.member).post("/feed/new/", {
        "space": world.space.pk, "fixed": "1", "body": "x" * 20_001})
    assert response.status_code == 400
    html = text_of(response)
    assert world.space.name in html and 'role="alert"' in html
    assert not Post.objects.exists()


def test_comment_reply_react_vote_and_edit_without_scripts(client_for):
    """The plain forms comment, reply, react, vote and edit, each back at its anchor."""
    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Lunch?",
                                  poll=PollSpec(options=["Pizza", "Salad"]))
    base = f"/s/{world.space.slug}/feed/{post.pk}"
    client = client_for(world.space_admin)
    client.post(f"{base}/comment/", {"body": "Pizza please", "next": "/feed/"})
    top = Comment.objects.get(body="Pizza please")
    reply = client_for(world.member).post(f"{base}/comment/", {"body": "Agreed",
                                                                 "parent": top.pk})
    answer = Comment.objects.get(body="Agreed")
    assert answer.parent_id == top.pk
    assert reply["Location"] == f"{base}/#comment-{answer.pk}"
    client.post(f"{base}/react/", {"emoji": "🎉"})
    assert Reaction.objects.filter(post=post, user=world.space_admin, emoji="🎉").exists()
    option = post.poll.options.get(label="Pizza")
    voted = client.post(f"{base}/vote/", {"option": option.pk})
    assert voted.status_code == 302
    assert PollVote.objects.filter(option=option, user=world.space_admin).exists()
    client_for(world.member).post(f"{base}/edit/", {"body": "Lunch at noon?"})
    post.refresh_from_db()
    assert post.body == "Lunch at noon?"
    page = text_of(client.get(f"{base}/"))
    assert "Pizza please" in page and "Agreed" in page and 'aria-pressed="true"' in page
    assert "1 vote · 100%" in page


def test_refused_form_shows_its_message_on_the_page_it_came_back_to(client_for):
    """A vote on a closed poll comes back with the action's message; nothing is recorded."""
    from datetime import timedelta

    from django.utils import timezone

    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Vote",
                                  poll=PollSpec(options=["A", "B"]))
    post.poll.closes_at = timezone.now() - timedelta(minutes=1)
    post.poll.save()
    client = client_for(world.member)
    response = client.post(f"/s/{world.space.slug}/feed/{post.pk}/vote/",
                           {"option": post.poll.options.first().pk}, follow=True)
    assert response.status_code == 200
    assert 'class="message message-error"' in text_of(response)
    assert "Poll closed" in text_of(response)
    assert not PollVote.objects.exists()


def test_comment_script_answer_is_the_posts_fragment(client_for):
    """The page's script gets the post's fragment back, with the new comment in it."""
    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Hi")
    response = client_for(world.member).post(
        f"/s/{world.space.slug}/feed/{post.pk}/comment/", {"body": "Live comment"},
        HTTP_X_ATRIUM_FETCH="1")
    html = text_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith("<article") and "Live comment" in html
    assert "<html" not in html


def test_empty_comment_from_the_script_answers_the_json_error(client_for):
    """An empty comment: 400 with the API's error shape and the field."""
    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Hi")
    response = client_for(world.member).post(
        f"/s/{world.space.slug}/feed/{post.pk}/comment/", {"body": "  "},
        HTTP_X_ATRIUM_FETCH="1")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"
    assert not Comment.objects.exists()


def test_load_more_follows_the_cursor_without_repeating(client_for):
    """25 posts: the first page has 20 and a 'load more' link whose page has the other 5."""
    world = make_world()
    for n in range(25):
        actions.do_create_post(world.member, world.space, body=f"Post number {n:02d}")
    client = client_for(world.member)
    first = text_of(client.get(f"/s/{world.space.slug}/feed/"))
    assert first.count('class="post card') == 20
    assert "Post number 24" in first and "Post number 05" in first
    assert "Post number 04" not in first
    more = first.split('data-more-link', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    more = more.replace("&amp;", "&")
    second = text_of(client.get(f"{more}&partial=1"))
    assert second.count('class="post card') == 5
    assert "Post number 04" in second and "Post number 00" in second
    assert "Post number 05" not in second
    assert "Post number 24" not in second and "<html" not in second
    assert "data-more-link" not in second


def test_announcement_to_confirm_on_top_and_who_confirmed(client_for):
    """A pinned post asking for confirmation: members confirm; the admin sees both lists."""
    world = make_world()
    post = actions.do_create_post(world.space_admin, world.space, body="New protocol",
                                  announce=True, requires_confirmation=True)
    member = client_for(world.member)
    home = text_of(member.get("/feed/"))
    assert 'id="announcements-title"' in home and "I have read it" in home
    member.post(f"/s/{world.space.slug}/feed/{post.pk}/confirm/")
    assert Confirmation.objects.filter(post=post, user=world.member).exists()
    assert "Read and confirmed" in text_of(member.get("/feed/announcements/"))
    page = text_of(client_for(world.space_admin).get(
        f"/s/{world.space.slug}/feed/{post.pk}/confirmations/"))
    confirmed, pending = page.split('id="pending-title"')
    assert "Mia Member" in confirmed and "Rémi Reader" in pending


def test_pin_hide_report_and_resolve(client_for):
    """The admin pins and hides; a member reports; the admin dismisses from the queue."""
    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Off topic")
    base = f"/s/{world.space.slug}/feed/{post.pk}"
    admin = client_for(world.space_admin)
    admin.post(f"{base}/pin/", {"pinned": "1", "confirm": "1"})
    post.refresh_from_db()
    assert post.pinned_at is not None and post.requires_confirmation
    client_for(world.reader).post(f"{base}/report/", {"reason": "Not for here"})
    report = Report.objects.get()
    queue = text_of(admin.get(f"/s/{world.space.slug}/feed/reports/"))
    assert "Not for here" in queue
    admin.post(f"/s/{world.space.slug}/feed/reports/{report.pk}/resolve/",
               {"resolution": "dismissed"})
    report.refresh_from_db()
    assert report.resolution == "dismissed"
    admin.post(f"{base}/hide/", {"hidden": "1"})
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert client_for(world.member).get(f"{base}/").status_code == 404
    assert "Hidden by a moderator" in text_of(admin.get(f"{base}/"))


def test_share_into_another_space(client_for):
    """A post of an open space shared into another space shows the original inside."""
    from atrium.kernel.models import Visibility
    from tests.factories import make_space

    world = make_world()
    open_space = make_space(world.member, Visibility.OPEN, "Town hall")
    post = actions.do_create_post(world.member, open_space, body="Big news")
    client = client_for(world.member)
    form = text_of(client.get(f"/s/{open_space.slug}/feed/{post.pk}/share/"))
    assert f'<option value="{world.space.pk}">' in form
    assert f'<option value="{open_space.pk}">' not in form
    client.post(f"/s/{open_space.slug}/feed/{post.pk}/share/",
                {"space": world.space.pk, "body": "Look"})
    shared = Post.objects.get(shared_from=post)
    page = text_of(client.get(f"/s/{world.space.slug}/feed/{shared.pk}/"))
    assert "Look" in page and "Big news" in page and "see the original" in page


def test_delete_own_post_goes_back_to_the_feed(client_for):
    """Deleting from the post's page goes to the space's feed; the post is gone."""
    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Oops")
    base = f"/s/{world.space.slug}/feed/"
    response = client_for(world.member).post(f"{base}{post.pk}/delete/",
                                             {"next": f"{base}{post.pk}/"})
    assert response["Location"] == base
    post.refresh_from_db()
    assert post.deleted_at is not None


def test_hashtag_person_and_search_pages(client_for):
    """The hashtag page, a person's posts and search find the post, for a reader."""
    world = make_world()
    actions.do_create_post(world.member, world.space, body="Training on #Hygiene today")
    client = client_for(world.reader)
    assert "Training on" in text_of(client.get("/feed/tags/hygiene/"))
    assert "Training on" in text_of(client.get(f"/feed/people/{world.member.pk}/"))
    found = text_of(client.get("/feed/search/?q=training"))
    assert "Training on" in found and "1 result" in found
    assert "Training on" not in text_of(client_for(world.outsider).get("/feed/search/?q=training"))


def test_secret_space_post_never_shows_to_others(client_for):
    """A secret space's post stays out of an outsider's home, hashtag, person and search pages."""
    from atrium.kernel.models import Visibility
    from tests.factories import make_space

    world = make_world()
    secret = make_space(world.member, Visibility.SECRET, "Board")
    post = actions.do_create_post(world.member, secret, body="CANARY-7f3 #canary")
    client = client_for(world.outsider)
    for url in ("/", "/feed/", "/feed/tags/canary/", f"/feed/people/{world.member.pk}/",
                "/feed/search/?q=CANARY", "/feed/announcements/"):
        assert "CANARY-7f3" not in text_of(client.get(url)), url
    assert client.get(f"/s/{secret.slug}/feed/{post.pk}/").status_code == 404
    assert client.get(f"/s/{secret.slug}/feed/").status_code == 404


def test_feed_pages_are_compressed_for_browsers_that_accept_it(client_for):
    """The home feed answers gzip to a browser asking for it (a card's forms compress well)."""
    world = make_world()
    actions.do_create_post(world.member, world.space, body="Compressed")
    response = client_for(world.member).get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_other_modules_items_show_as_cards(client_for):
    """A link saved in the space shows in the feed as a card naming who saved what."""
    from atrium.modules.links.actions import do_add_link

    world = make_world()
    do_add_link(world.member, world.space, url="https://example.org/guide", title="The guide")
    html = text_of(client_for(world.reader).get("/feed/"))
    assert 'class="post card post-module"' in html
    assert "saved a link" in html and "The guide" in html and "Mia Member" in html


def test_forms_in_loaded_items_come_back_to_the_page_not_the_fragment(client_for):
    """Items fetched by "load more" carry the page's address in their forms' `next`."""
    world = make_world()
    for n in range(21):
        actions.do_create_post(world.member, world.space, body=f"Item {n}")
    first = client_for(world.member).get("/feed/?order=activity")
    cursor = first.context["more_url"].split("before=", 1)[1]
    more = text_of(client_for(world.member).get(
        f"/feed/?order=activity&before={cursor}&partial=1"))
    assert 'name="next" value="/feed/?order=activity"' in more
    assert "partial" not in more.split('name="next"', 1)[1].split(">", 1)[0]


def _queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _rich_posts(world, count: int) -> None:
    from atrium.modules.links.actions import do_add_link

    for n in range(count):
        post = actions.do_create_post(
            world.member, world.space, body=f"Rich {n} #all",
            images=[png(f"p{n}.png")] if n % 3 == 0 else (),
            files=[SimpleUploadedFile(f"f{n}.txt", b"data")] if n % 4 == 0 else (),
            poll=PollSpec(options=["A", "B"]) if n % 2 == 0 else None)
        comment = actions.do_comment(world.space_admin, post, body=f"Comment {n}")
        actions.do_comment(world.member, post, body="Reply", parent=comment)
        actions.do_react(world.space_admin, post, "👍")
        do_add_link(world.member, world.space, url=f"https://example.org/{n}", title=f"L{n}")


@pytest.mark.parametrize("url", ["/", "/feed/?order=activity", "/s/{slug}/feed/",
                                 "/feed/tags/all/", "/feed/people/{author}/"])
def test_feed_page_queries_do_not_grow_with_the_page(client_for, url):
    """A feed page of 20 rich items (images, files, polls, comments, replies, reactions,
    other modules' items) costs the same number of queries as a page of 4."""
    world = make_world()
    client = client_for(world.member)
    path = url.format(slug=world.space.slug, author=world.member.pk)
    _rich_posts(world, 2)
    client.get(path)  # warm the per-process caches
    few = _queries_for(client, path)
    _rich_posts(world, 12)
    many = _queries_for(client, path)
    assert many == few, (few, many)
