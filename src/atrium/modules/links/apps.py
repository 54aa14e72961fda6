from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "atrium.modules.links"
    label = "links"
    verbose_name = "Links"

    def ready(self) -> None:
        from atrium.kernel import registry
        from atrium.modules.links import abilities  # noqa: F401  (registers Link abilities)
        from atrium.modules.links.module import manifest

        registry.register(manifest)
