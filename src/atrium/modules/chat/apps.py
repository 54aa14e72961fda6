from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "atrium.modules.chat"
    label = "chat"
    verbose_name = "Chat"
