from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "atrium.modules.feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        from atrium.kernel import registry
        from atrium.modules.feed import abilities  # noqa: F401  (registers Post, Comment)
        from atrium.modules.feed.module import manifest

        registry.register(manifest)
