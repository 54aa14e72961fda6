from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "atrium.modules.feed"
    label = "feed"
    verbose_name = "Feed"
