"""The chat's pages inside a space: /s/<space>/chat/."""

from django.urls import path

from atrium.modules.chat.views import channels

app_name = "chat"
urlpatterns = [
    path("", channels.space_channels, name="space"),
    path("new/", channels.space_create, name="create"),
    path("<int:channel_id>/", channels.space_channel, name="channel"),
]
