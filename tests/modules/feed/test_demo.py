"""The demo organisation has a lively feed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from atrium.kernel.models import User
from atrium.modules.feed import queries
from atrium.modules.feed.models import Attachment, Confirmation, PollVote, Post

pytestmark = pytest.mark.django_db


def test_demo_loads_posts_polls_announcement_images_shares(tmp_path):
    """`atrium demo` writes posts with comments, a voted poll, an announcement with
    confirmations, an image and a share; members see them on their home feed."""
    call_command("demo", password="demo-password-Long-enough-42")
    assert Post.objects.count() >= 8
    assert PollVote.objects.exists() and Confirmation.objects.count() == 3
    assert Attachment.objects.filter(is_image=True).exists()
    assert Post.objects.filter(shared_from__isnull=False).exists()
    nadia = User.objects.get(email__startswith="nadia.haddad")
    page = queries.home_feed(nadia)
    assert any("mention" in view.post.html for view in page.items if hasattr(view, "post"))
    assert queries.announcements(nadia)
