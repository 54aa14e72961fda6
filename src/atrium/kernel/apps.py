from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "atrium.kernel"
    label = "kernel"
    verbose_name = "Atrium kernel"

    def ready(self) -> None:
        from atrium.kernel import checks, signals  # noqa: F401  (registers checks and hooks)
