"""Bookmarks across spaces: /links/ ("My bookmarks")."""

from django.urls import path

from atrium.modules.links import root_views

app_name = "links_root"
urlpatterns = [
    path("", root_views.my_bookmarks, name="mine"),
    path("add/", root_views.add_bookmark, name="add"),
]
