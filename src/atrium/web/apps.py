from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "atrium.web"
    label = "web"
