from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "atrium.realtime"
    label = "realtime"

    def ready(self) -> None:
        from atrium.kernel import housekeeping
        from atrium.realtime.audiences import register_kernel_kinds
        from atrium.realtime.retention import purge_expired_events

        register_kernel_kinds()
        housekeeping.register("realtime.purge_events", purge_expired_events)
