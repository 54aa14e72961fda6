"""Modules: switched on or off for the organisation, and per space with its rights matrix."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import (
    ModuleId,
    ModuleOut,
    ModuleSwitchIn,
    SpaceId,
    SpaceModuleIn,
    SpaceModuleOut,
    errors,
)
from atrium.kernel import modules as module_state
from atrium.kernel import registry
from atrium.kernel.abilities import module_access
from atrium.kernel.access import access_space
from atrium.kernel.actions import modules as actions
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Space, User

router = Router(tags=["modules"])


def _manifest(module_id: str) -> registry.ModuleManifest:
    manifest = registry.get(module_id)
    if manifest is None:
        raise NotFound("module")
    return manifest


def _module_out(manifest: registry.ModuleManifest, enabled: bool) -> dict[str, Any]:
    return {"id": manifest.id, "name": str(manifest.name),
            "description": str(manifest.description), "icon": manifest.icon,
            "enabled": enabled}


@router.get("/modules", response={200: list[ModuleOut], **errors()},
            summary="Modules of the instance",
            description="Every installed module and whether the organisation has it on.")
def list_modules(request: HttpRequest) -> list[dict[str, Any]]:
    states = module_state.instance_states()
    return [_module_out(m, states[m.id]) for m in registry.all_modules()]


@router.put("/modules/{module_id}", response={200: ModuleOut, **errors(403, 404)},
            summary="Switch a module on or off for the whole organisation",
            description="For the organisation's admins. A module switched off disappears from "
            "every space; its pages and API answer 404.")
def switch_module(request: HttpRequest, module_id: ModuleId,
                  payload: ModuleSwitchIn) -> dict[str, Any]:
    manifest = _manifest(module_id)
    actions.do_switch_instance_module(viewer(request), module_id, payload.enabled,
                                      request=request)
    return _module_out(manifest, module_state.enabled_for_instance(module_id))


def _space_module_out(user: User, space: Space,
                      manifest: registry.ModuleManifest) -> dict[str, Any]:
    setting = module_state.space_setting(space, manifest.id)
    return {
        **_module_out(manifest, module_state.enabled_in_space(space, manifest.id)),
        "member_access": setting.member_access, "reader_access": setting.reader_access,
        "my_access": module_access(user, space, manifest.id),
    }


@router.get("/spaces/{space_id}/modules", response={200: list[SpaceModuleOut], **errors(404)},
            summary="Modules of a space",
            description="The modules the organisation has on, whether the space uses each, "
            "what its members and readers may do (none, read, write) and my own access.")
def list_space_modules(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    return [_space_module_out(user, space, m) for m, _setting in module_state.space_modules(space)]


@router.put("/spaces/{space_id}/modules/{module_id}",
            response={200: SpaceModuleOut, **errors(400, 403, 404)},
            summary="Configure a module in a space",
            description="For the space's admins: switch it on or off and set what members and "
            "readers may do. Fields left out keep their value.")
def configure_space_module(request: HttpRequest, space_id: SpaceId, module_id: ModuleId,
                           payload: SpaceModuleIn) -> dict[str, Any]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    manifest = _manifest(module_id)
    actions.do_configure_space_module(user, space, module_id, request=request,
                                      **payload.dict(exclude_unset=True))
    return _space_module_out(user, space, manifest)
