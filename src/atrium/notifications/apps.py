from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "atrium.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from atrium.kernel import housekeeping
        from atrium.notifications import email

        housekeeping.register("notifications.email", email.housekeeping)
