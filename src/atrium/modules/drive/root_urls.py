"""The drive across spaces: /drive/ (one's own drive), search in every drive, and the
public pages of share links (no account needed)."""

from django.urls import path

from atrium.modules.drive.views import pages, public, search

app_name = "drive_root"
shared = "share/<str:token>/"
urlpatterns = [
    path("", pages.personal, name="home"),
    path("search/", search.search_all, name="search"),
    path(shared, public.share_page, name="share"),
    path(f"{shared}n/<int:node_id>/", public.share_page, name="share_node"),
    path(f"{shared}n/<int:node_id>/download", public.share_download, name="share_download"),
    path(f"{shared}n/<int:node_id>/view", public.share_view, name="share_view"),
    path(f"{shared}n/<int:node_id>/zip", public.share_zip, name="share_zip"),
]
