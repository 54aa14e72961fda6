"""Admin area: the audit log, filtered, paged, and exported as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel.audit import record
from atrium.kernel.models import AuditEntry, Organisation
from atrium.web.views.manage import AuthedRequest, admin_view
from atrium.web.views.manage_forms import AuditFilterForm

PAGE_SIZE = 50
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["time", "actor", "action", "target_type", "target_id", "target", "ip", "details"]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(request: AuthedRequest) -> tuple[AuditFilterForm, Any]:
    """The filter form and the entries it selects; invalid filters select nothing."""
    actions = list(AuditEntry.objects.order_by("action").values_list("action", flat=True)
                   .distinct())
    form = AuditFilterForm(request.GET or None, actions=actions)
    entries = AuditEntry.objects.all()
    if not form.is_bound:
        return form, entries
    if not form.is_valid():
        return form, entries.none()
    data = form.cleaned_data
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["actor"]:
        entries = entries.filter(actor_label__icontains=data["actor"].strip())
    if data["target"]:
        entries = entries.filter(target_label__icontains=data["target"].strip())
    if data["date_from"]:
        entries = entries.filter(created_at__gte=_start_of(data["date_from"]))
    if data["date_to"]:
        entries = entries.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
    return form, entries


def details(entry: AuditEntry) -> str:
    """The entry's extra data as short `key=value` pairs."""
    pairs = []
    for key, value in sorted((entry.data or {}).items()):
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        pairs.append(f"{key}={shown}")
    return ", ".join(pairs)


@admin_view("view_audit", ("GET", "HEAD"))
def audit(request: AuthedRequest, org: Organisation) -> HttpResponse:
    form, entries = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(request, "web/manage/audit.html", {
        "section": "audit", "form": form, "page": page,
        "rows": [(entry, details(entry)) for entry in page.object_list],
        "export_query": query.urlencode(),
        "filtered": form.is_bound,
    }, status=400 if form.errors else 200)


def neutralise(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=1000):
        yield writer.writerow([neutralise(cell) for cell in (
            entry.created_at.isoformat(), entry.actor_label, entry.action, entry.target_type,
            entry.target_id, entry.target_label, entry.ip or "",
            json.dumps(entry.data, ensure_ascii=False, sort_keys=True) if entry.data else "",
        )])


@admin_view("view_audit", ("GET", "HEAD"))
def audit_csv(request: AuthedRequest, org: Organisation) -> HttpResponseBase:
    form, entries = _filtered(request)
    if form.errors:
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(_("The filters are not valid: %(problems)s") % {"problems": problems},
                            status=400, content_type="text/plain; charset=utf-8")
    # Who took a copy of the log, and of what, is itself a fact worth keeping.
    record("audit.exported", request=request,
           filters={k: str(v) for k, v in getattr(form, "cleaned_data", {}).items() if v})
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="atrium-audit-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
