"""Bookmarks: the normalised address's hash (who else saved it), the server-fetched preview,
a collection name, an edit date; titles may be left to the preview."""

import hashlib
from urllib.parse import urlsplit, urlunsplit

import django.db.models.deletion
from django.db import migrations, models


def _normal(url):
    # The same rule as atrium.kernel.linkpreview.normalise, frozen here for the migration.
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != (443 if scheme == "https" else 80):
        host += f":{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def fill_hashes(apps, schema_editor):
    Link = apps.get_model("links", "Link")
    for link in Link.objects.only("pk", "url").iterator():
        normal = _normal(link.url)
        if normal:
            Link.objects.filter(pk=link.pk).update(
                url_hash=hashlib.sha256(normal.encode()).hexdigest())


class Migration(migrations.Migration):

    dependencies = [
        ("kernel", "0005_content_follows_previews_skills"),
        ("links", "0001_initial"),
        migrations.swappable_dependency("kernel.User"),
    ]

    operations = [
        migrations.AddField(
            model_name="link", name="url_hash",
            field=models.CharField(blank=True, db_index=True, max_length=64)),
        migrations.AddField(
            model_name="link", name="collection",
            field=models.CharField(blank=True, max_length=80, verbose_name="collection")),
        migrations.AddField(
            model_name="link", name="preview",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="kernel.linkpreview")),
        migrations.AddField(
            model_name="link", name="edited_at",
            field=models.DateTimeField(blank=True, null=True)),
        migrations.AlterField(
            model_name="link", name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title")),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(fields=["space", "collection"], name="link_space_collection")),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(fields=["author", "-created_at", "-id"],
                               name="link_author_recent")),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
    ]
