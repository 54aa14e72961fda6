"""The organisation's admin area: people, invitations, roles, modules, security, audit."""

from django.urls import path

from atrium.web.views import manage

urlpatterns = [
    path("", manage.overview, name="manage"),
]
