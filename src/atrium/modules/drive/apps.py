from django.apps import AppConfig


class DriveConfig(AppConfig):
    name = "atrium.modules.drive"
    label = "drive"
    verbose_name = "Drive"

    def ready(self) -> None:
        from atrium.kernel import housekeeping, registry
        from atrium.modules.drive import abilities  # noqa: F401  (registers drive abilities)
        from atrium.modules.drive.actions import index_pending_texts, purge_expired_trash
        from atrium.modules.drive.module import manifest

        registry.register(manifest)
        housekeeping.register("drive.purge_trash", purge_expired_trash)
        housekeeping.register("drive.index_text", index_pending_texts)
