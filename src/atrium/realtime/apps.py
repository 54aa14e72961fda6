from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "atrium.realtime"
    label = "realtime"
