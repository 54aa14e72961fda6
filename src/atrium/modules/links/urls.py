from django.urls import path

from atrium.modules.links import views

app_name = "links"
urlpatterns = [
    path("", views.link_list, name="list"),
    path("add/", views.link_add, name="add"),
    path("<int:link_id>/edit/", views.link_edit, name="edit"),
    path("<int:link_id>/delete/", views.link_delete, name="delete"),
    path("<int:link_id>/save/", views.link_save, name="save"),
]
