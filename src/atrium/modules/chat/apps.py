from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "atrium.modules.chat"
    label = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        from atrium.kernel import registry
        from atrium.modules.chat import (
            abilities,  # noqa: F401  (registers chat abilities)
            audiences,
        )
        from atrium.modules.chat.module import manifest

        registry.register(manifest)
        audiences.register()
        from atrium.kernel import housekeeping
        from atrium.modules.chat.actions.attachments import purge_unsent_attachments

        housekeeping.register("chat.unsent_attachments", purge_unsent_attachments)
