"""The audit log is append-only, in the model and in the database itself."""

import pytest
from django.db import DatabaseError, connection, transaction

from atrium.kernel import audit
from atrium.kernel.models import AuditEntry
from atrium.kernel.models.audit import AppendOnlyError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted_through_the_model():
    """save() on an existing entry and delete() both raise."""
    entry = audit.record("test.fact", actor=make_user())
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_entries_cannot_be_changed_or_deleted_in_sql():
    """Even raw SQL UPDATE and DELETE are refused by a trigger."""
    entry = audit.record("test.fact", actor=make_user())
    for statement in ("UPDATE kernel_auditentry SET action = 'x' WHERE id = %s",
                      "DELETE FROM kernel_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.fact"
