from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "atrium.realtime"
    label = "realtime"

    def ready(self) -> None:
        from atrium.realtime.audiences import register_kernel_kinds

        register_kernel_kinds()
