from __future__ import annotations

import contextlib
from typing import Any

import pytest

from atrium.kernel.models import EventRecord
from atrium.realtime import publish
from tests.modules.chat.factories import ChatWorld, make_chat_world


@pytest.fixture
def chat(db) -> ChatWorld:
    return make_chat_world()


class Pushed(list):
    """Envelopes pushed after commit (events, signals, rights controls), in order."""

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self if e["k"] == "event" and (event_type is None
                                                         or e["e"] == event_type)]

    def audiences(self, event_type: str) -> list[str]:
        return [e["a"] for e in self.events(event_type)]

    def controls(self) -> list[str]:
        return [e["a"] for e in self if e["k"] == "control"]


@pytest.fixture
def pushed(monkeypatch, django_capture_on_commit_callbacks):
    """Records what is pushed. Actions run inside `with pushed.commit():`, whose end plays
    the role of the commit: nothing is pushed before it, everything after."""
    found = Pushed()
    monkeypatch.setattr(publish, "publish", found.append)

    @contextlib.contextmanager
    def commit():
        before = len(found)
        with django_capture_on_commit_callbacks(execute=True):
            yield
            assert len(found) == before, "pushed before the commit"

    found.commit = commit
    return found


def records(event_type: str, since: int = 0) -> list[EventRecord]:
    return list(EventRecord.objects.filter(type=event_type, id__gt=since).order_by("id"))


def last_event_id() -> int:
    return EventRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
