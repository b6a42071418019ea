"""The zip of everything of mine: my account, my cases with their proceedings, events, clocks
and consents as JSON and CSV, and every document of those cases, decrypted."""

import csv
import io
import json
import shutil
import zipfile

from django.db import models
from django.utils import timezone

CASE_TABLES = ("cases", "proceedings", "events", "clocks", "consents", "documents")


def _value(obj, field: models.Field):
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return None
    value = getattr(obj, field.attname)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row(obj) -> dict:
    return {
        field.name: _value(obj, field)
        for field in obj._meta.concrete_fields
        if not isinstance(field, models.FileField)
    }


def open_document(document):
    """The document's content as a readable binary file: the one place an export reads a
    stored file. Documents are encrypted at rest, so this is the decrypted content."""
    return io.BytesIO(document.read_content())


def _archive_name(document) -> str:
    name = (document.original_name or document.title or "document").replace("/", "_")
    return f"documents/case-{document.case_id}/{document.pk}-{name}"


def write_export_zip(*, user, handle) -> dict:
    from dsar.accounts.models import ClientConsent, Membership
    from dsar.cases.models import Case, Clock, Event, Proceeding
    from dsar.letters.models import Document

    cases = list(Case.objects.filter(owner=user).order_by("pk"))
    case_ids = [c.pk for c in cases]
    tables = {
        "cases": [_row(c) for c in cases],
        "proceedings": [
            _row(p) for p in Proceeding.objects.filter(case_id__in=case_ids).order_by("pk")
        ],
        "events": [
            _row(e) for e in Event.objects.filter(proceeding__case_id__in=case_ids).order_by("pk")
        ],
        "clocks": [
            _row(c) for c in Clock.objects.filter(proceeding__case_id__in=case_ids).order_by("pk")
        ],
        "consents": [
            {**_row(c), "regimes": [r.code for r in c.regimes.all()]}
            for c in ClientConsent.objects.filter(case_id__in=case_ids)
            .prefetch_related("regimes")
            .order_by("pk")
        ],
    }
    documents = list(Document.objects.filter(case_id__in=case_ids).order_by("pk"))
    tables["documents"] = [{**_row(d), "path_in_export": _archive_name(d)} for d in documents]
    account = {
        "email": user.email,
        "name": user.display_name,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "retention_days": user.retention_days,
        "organizations": [
            {"organization": m.organization.name, "role": m.role}
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "exported_at": timezone.now().isoformat(),
    }
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", json.dumps(account, indent=2, ensure_ascii=False))
        archive.writestr("data.json", json.dumps(tables, indent=2, ensure_ascii=False, default=str))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv(rows))
        for document in documents:
            if not document.file:
                continue
            with (
                open_document(document) as source,
                archive.open(_archive_name(document), "w", force_zip64=True) as target,
            ):
                shutil.copyfileobj(source, target, 1024 * 1024)
    return {"cases": len(cases), "documents": len(documents)}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        fields = list(rows[0])
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                    for k, v in row.items()
                }
            )
    return out.getvalue()
