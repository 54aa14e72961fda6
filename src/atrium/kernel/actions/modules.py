"""Switching modules on and off, for the instance and per space, and the rights matrix."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from atrium.kernel import audit, events, memo, registry
from atrium.kernel import modules as module_state
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import Access, InstanceModule, Organisation, Space, SpaceModule, User


def _manifest(module_id: str) -> registry.ModuleManifest:
    manifest = registry.get(module_id)
    if manifest is None:
        raise ActionError(_("Unknown module: %(id)s") % {"id": module_id}, code="unknown_module",
                          field="module")
    return manifest


@transaction.atomic
def do_switch_instance_module(actor: User, module_id: str, enabled: bool,
                              request: HttpRequest | None = None) -> None:
    org = Organisation.current()
    if org is None or not abilities(actor, org)["manage_modules"]:
        raise Forbidden(_("Only the organisation's admins can switch modules."))
    _manifest(module_id)
    InstanceModule.objects.update_or_create(module_id=module_id, defaults={"enabled": enabled})
    memo.forget()
    events.emit(events.ModuleSwitched(module_id=module_id, space_id=None, enabled=enabled),
                "org", 0)
    events.rights_changed("all", 0)
    audit.record("module.switched", actor=actor, request=request, target_label=module_id,
                 module=module_id, enabled=enabled)


@transaction.atomic
def do_configure_space_module(
    actor: User, space: Space, module_id: str, *, enabled: bool | None = None,
    member_access: str | None = None, reader_access: str | None = None,
    request: HttpRequest | None = None,
) -> module_state.SpaceModuleSetting:
    if not abilities(actor, space)["manage"]:
        raise Forbidden(_("Only the space's admins can configure its modules."))
    _manifest(module_id)
    if not module_state.enabled_for_instance(module_id):
        raise ActionError(_("This module is switched off for the whole organisation."),
                          code="module_off", field="module")
    for name, value in (("member_access", member_access), ("reader_access", reader_access)):
        if value is not None and value not in Access.values:
            raise ActionError(_("Choose none, read or write."), field=name)
    current = module_state.space_setting(space, module_id)
    row, _created = SpaceModule.objects.get_or_create(
        space=space, module_id=module_id,
        defaults={"enabled": current.enabled, "member_access": current.member_access,
                  "reader_access": current.reader_access},
    )
    if enabled is not None:
        row.enabled = enabled
    if member_access is not None:
        row.member_access = member_access
    if reader_access is not None:
        row.reader_access = reader_access
    row.save()
    module_state.forget(space)
    events.emit(events.ModuleSwitched(module_id=module_id, space_id=space.pk,
                                      enabled=row.enabled), "space", space.pk)
    events.rights_changed("all", 0)
    audit.record("space.module_configured", actor=actor, target=space, request=request,
                 module=module_id, enabled=row.enabled, member_access=row.member_access,
                 reader_access=row.reader_access)
    return module_state.space_setting(space, module_id)
