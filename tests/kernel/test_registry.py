"""The module contract: manifests are validated at start-up and modules switch on and off."""

import pytest
from pydantic import ValidationError

from atrium.kernel import registry
from atrium.kernel.checks import check_module_manifests
from atrium.kernel.events import Event, SpaceChanged
from atrium.kernel.models import EventRecord
from atrium.kernel.registry import ModuleManifest, NavEntry, RegistryError


@pytest.fixture
def scratch_registry(monkeypatch):
    monkeypatch.setattr(registry, "_modules", dict(registry._modules))
    return registry


def test_links_module_is_registered_and_passes_the_checks():
    """The shipped module is declared once and the start-up checks find nothing wrong."""
    assert registry.get("links") is not None
    assert check_module_manifests() == []


def test_broken_manifests_fail_the_start_up_checks(scratch_registry):
    """Unloadable URLs or API router, navigation without URLs and misnamed events are errors."""

    class BadEvent(Event):
        type = "other.thing"

    scratch_registry.register(ModuleManifest(
        id="broken", name="Broken", description="", icon="x",
        urls="atrium.no_such_module", api_router="atrium.modules.links.api:nothing",
        event_types=(BadEvent,)))
    scratch_registry.register(ModuleManifest(
        id="navonly", name="Nav", description="", icon="x",
        nav=(NavEntry(label="x", url_name="x"),)))
    scratch_registry.register(ModuleManifest(
        id="topnav", name="Top", description="", icon="x",
        top_nav=NavEntry(label="x", url_name="x")))
    ids = {error.id for error in check_module_manifests()}
    assert {"atrium.E001", "atrium.E002", "atrium.E003", "atrium.E004", "atrium.E006"} <= ids


@pytest.mark.parametrize("module_id", ["", "A", "has space", "x" * 40, "links"])
def test_invalid_or_duplicate_module_ids_are_refused(scratch_registry, module_id):
    """Ids must be short lowercase words, registered once."""
    with pytest.raises(RegistryError):
        scratch_registry.register(ModuleManifest(id=module_id, name="n", description="",
                                                 icon="x"))


def test_events_are_typed_and_strict():
    """An event refuses unknown fields and wrong types."""
    with pytest.raises(ValidationError):
        SpaceChanged(space_id=1, fields=["name"], extra="nope")
    with pytest.raises(ValidationError):
        SpaceChanged(space_id="one", fields=["name"])


@pytest.mark.django_db
def test_an_action_records_its_event_in_the_same_transaction(django_capture_on_commit_callbacks):
    """Renaming a space records a typed event and pushes it only after commit."""
    from atrium.kernel.actions.spaces import do_update_space
    from tests.factories import make_space, make_user

    admin = make_user()
    space = make_space(admin)
    with django_capture_on_commit_callbacks() as callbacks:
        do_update_space(admin, space, name="Renamed")
    record = EventRecord.objects.filter(type="space.changed").latest("id")
    assert record.payload == {"space_id": space.pk, "fields": ["name"]}
    assert (record.audience_kind, record.audience_id) == ("space", space.pk)
    assert len(callbacks) == 1
