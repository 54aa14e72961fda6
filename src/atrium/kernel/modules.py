"""Which modules are switched on, for the instance and for each space."""

from __future__ import annotations

from dataclasses import dataclass

from atrium.kernel import memo, registry
from atrium.kernel.models import InstanceModule, Space, SpaceModule


@dataclass(frozen=True)
class SpaceModuleSetting:
    enabled: bool
    member_access: str
    reader_access: str


def enabled_for_instance(module_id: str) -> bool:
    if registry.get(module_id) is None:
        return False
    return instance_states()[module_id]


def instance_states() -> dict[str, bool]:
    """Every module's instance switch, in one query (remembered for the request)."""
    def load() -> dict[str, bool]:
        stored = dict(InstanceModule.objects.values_list("module_id", "enabled"))
        return {m.id: stored.get(m.id, m.enabled_by_default) for m in registry.all_modules()}

    return dict(memo.remember("instance_modules", load))


def space_setting(space: Space, module_id: str) -> SpaceModuleSetting:
    cache: dict[str, SpaceModuleSetting] = space.__dict__.setdefault("_module_settings", {})
    if module_id in cache:
        return cache[module_id]
    manifest = registry.get(module_id)
    row = SpaceModule.objects.filter(space=space, module_id=module_id).first()
    if row is not None:
        setting = SpaceModuleSetting(row.enabled, row.member_access, row.reader_access)
    elif manifest is not None:
        setting = SpaceModuleSetting(
            True, manifest.default_member_access, manifest.default_reader_access
        )
    else:
        setting = SpaceModuleSetting(False, "none", "none")
    cache[module_id] = setting
    return setting


def enabled_in_space(space: Space, module_id: str) -> bool:
    return enabled_for_instance(module_id) and space_setting(space, module_id).enabled


def forget(space: Space) -> None:
    space.__dict__.pop("_module_settings", None)


def space_modules(space: Space) -> list[tuple[registry.ModuleManifest, SpaceModuleSetting]]:
    """The modules the instance has on, with their setting in `space` (enabled or not)."""
    on = instance_states()
    return [(m, space_setting(space, m.id)) for m in registry.all_modules() if on[m.id]]
