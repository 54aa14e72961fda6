from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "atrium.notifications"
    label = "notifications"
    verbose_name = "Notifications"
