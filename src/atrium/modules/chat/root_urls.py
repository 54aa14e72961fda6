"""The chat across spaces: /chat/ (conversations, direct messages, search, files)."""

from django.urls import path

from atrium.modules.chat.views import channels, files, messages, pages, search

app_name = "chat_root"
conversation = "c/<int:channel_id>/"
message = f"{conversation}m/<int:message_id>/"
urlpatterns = [
    path("", pages.home, name="home"),
    path("sidebar/", pages.sidebar, name="sidebar"),
    path("new-direct/", channels.new_direct, name="new_direct"),
    path("people/", channels.people, name="people"),
    path("search/", search.search, name="search"),
    path("files/<int:attachment_id>", files.file, name="file"),
    path("files/<int:attachment_id>/thumb", files.thumbnail, name="thumbnail"),
    path(conversation, pages.conversation, name="conversation"),
    path(f"{conversation}older", pages.older, name="older"),
    path(f"{conversation}thread/<int:message_id>/", pages.thread, name="thread"),
    path(f"{conversation}pins/", pages.pins, name="pins"),
    path(f"{conversation}about/", pages.about, name="about"),
    path(f"{conversation}post", messages.post, name="post"),
    path(f"{conversation}upload", messages.upload, name="upload"),
    path(f"{conversation}read", messages.read, name="read"),
    path(f"{conversation}join", channels.join, name="join"),
    path(f"{conversation}leave", channels.leave, name="leave"),
    path(f"{conversation}notify", channels.notify, name="notify"),
    path(f"{conversation}update", channels.update, name="update"),
    path(f"{conversation}archive", channels.archive, name="archive"),
    path(f"{conversation}members/add", channels.add_members, name="add_members"),
    path(f"{conversation}members/<int:user_id>/remove", channels.remove_member,
         name="remove_member"),
    path(message.rstrip("/"), messages.source, name="message"),
    path(f"{message}edit", messages.edit, name="edit"),
    path(f"{message}delete", messages.delete, name="delete"),
    path(f"{message}react", messages.react, name="react"),
    path(f"{message}pin", messages.pin, name="pin"),
]
