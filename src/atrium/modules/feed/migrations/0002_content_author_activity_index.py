"""An index for the home feed ordered by activity: the entries of one followed person, most
recently active first (`kernel_contententry` has it by creation date only).

Written as SQL here because the kernel's migrations belong to the kernel's owner; the index
moves into a kernel migration (as `models.Index`) when they take it, and this one then
becomes a no-op (IF NOT EXISTS)."""

from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS content_author_activity "
          "ON kernel_contententry (author_id, last_activity_at DESC, id DESC)")
DROP = "DROP INDEX IF EXISTS content_author_activity"


class Migration(migrations.Migration):
    dependencies = [
        ("feed", "0001_initial"),
        ("kernel", "0005_content_follows_previews_skills"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
