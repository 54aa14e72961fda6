"""The feed across spaces: /feed/ (home feed, hashtags, search, announcements, a person)."""

from django.urls import path

from atrium.modules.feed.views import pages, posts

app_name = "feed_root"
urlpatterns = [
    path("", pages.home, name="home"),
    path("new/", posts.create, name="create"),
    path("tags/<str:name>/", pages.hashtag, name="hashtag"),
    path("search/", pages.search, name="search"),
    path("announcements/", pages.announcements, name="announcements"),
    path("people/<int:user_id>/", pages.person, name="person"),
]
