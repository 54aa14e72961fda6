from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "atrium.kernel"
    label = "kernel"
    verbose_name = "Atrium kernel"

    def ready(self) -> None:
        from atrium.kernel import (  # noqa: F401  (checks and signals register on import)
            checks,
            housekeeping,
            resumable,
            signals,
        )

        housekeeping.register("kernel.resumable_uploads", resumable.purge_expired)
