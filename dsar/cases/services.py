"""Writes for cases, proceedings, events and uploaded documents."""

import hashlib
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.core.exceptions import ApplicationError
from dsar.core.uploads import validate_upload
from dsar.directory.models import Agency, RecordSystem, Regime
from dsar.letters.models import Document

from . import state_machine
from .models import (
    OPEN_STATUSES,
    Case,
    Event,
    EventKind,
    Proceeding,
    ProceedingStatus,
    RequestType,
    USStatus,
)

CASE_FIELDS = {
    "title",
    "subject_name",
    "subject_other_names",
    "subject_nationality",
    "subject_us_status",
    "subject_residence",
    "subject_address",
    "subject_email",
    "subject_date_of_birth",
    "subject_place_of_birth",
    "subject_a_number",
    "subject_passport_number",
    "notes",
    "organization",
    "decision_date",
    "decision_place",
    "decision_system",
    "decision_system_other",
    "decision_description",
    "decision_outcome",
    "decision_references",
}


def _check_case_fields(*, user, fields: dict) -> None:
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise ApplicationError(f"Unknown case fields: {', '.join(sorted(unknown))}")
    if "title" in fields and not str(fields["title"]).strip():
        raise ApplicationError(_("Give the case a title."), field="title")
    if "subject_name" in fields and not str(fields["subject_name"]).strip():
        raise ApplicationError(
            _("Enter the name of the person the records are about."), field="subject_name"
        )
    if fields.get("subject_us_status", USStatus.NONE) not in USStatus.values:
        raise ApplicationError(_("Choose a valid US status."), field="subject_us_status")
    decision_date = fields.get("decision_date")
    if decision_date and decision_date > timezone.localdate():
        raise ApplicationError(
            _("The decision date cannot be in the future."), field="decision_date"
        )
    organization = fields.get("organization")
    if organization is not None and not organization.memberships.filter(user=user).exists():
        raise ApplicationError(
            _("You are not a member of that organization."), field="organization"
        )
    for code_field in ("subject_nationality", "subject_residence"):
        value = fields.get(code_field)
        if value:
            fields[code_field] = value.upper()


@transaction.atomic
def case_create(*, user, title: str, subject_name: str, **fields) -> Case:
    fields = {"title": title, "subject_name": subject_name, **fields}
    _check_case_fields(user=user, fields=fields)
    case = Case(owner=user, **fields)
    case.save()
    return case


@transaction.atomic
def case_update(*, user, case: Case, **fields) -> Case:
    _check_case_fields(user=user, fields=fields)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()
    return case


@transaction.atomic
def case_close(*, user, case: Case) -> Case:
    if case.status == Case.Status.CLOSED:
        raise ApplicationError(_("This case is already closed."))
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    return case


@transaction.atomic
def case_reopen(*, user, case: Case) -> Case:
    if case.status == Case.Status.OPEN:
        raise ApplicationError(_("This case is already open."))
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    return case


def _check_proceeding_links(
    *, case: Case, request_type: str, parent: Proceeding | None, record_system, agency
) -> None:
    if request_type not in RequestType.values:
        raise ApplicationError(_("Choose a valid request type."), field="request_type")
    if parent is not None and parent.case_id != case.pk:
        raise ApplicationError(
            _("A linked proceeding must belong to the same case."), field="parent"
        )
    if request_type in (RequestType.APPEAL, RequestType.MEDIATION) and parent is None:
        raise ApplicationError(
            _("An appeal or mediation request must be linked to the proceeding it follows."),
            field="parent",
        )
    if record_system is not None and not isinstance(record_system, RecordSystem):
        raise ApplicationError(_("Choose a valid record system."), field="record_system")
    if not isinstance(agency, Agency):
        raise ApplicationError(_("Choose the agency."), field="agency")


@transaction.atomic
def proceeding_create(
    *,
    user,
    case: Case,
    regime: Regime,
    request_type: str,
    agency: Agency,
    record_system: RecordSystem | None = None,
    parent: Proceeding | None = None,
    title: str = "",
    description: str = "",
    tracking_numbers: str = "",
    expedited: bool = False,
    calendar_country: str = "",
    calendar_subdivision: str = "",
) -> Proceeding:
    if case.status == Case.Status.CLOSED:
        raise ApplicationError(_("Reopen the case before adding proceedings to it."))
    if not isinstance(regime, Regime):
        raise ApplicationError(_("Choose the legal regime."), field="regime")
    _check_proceeding_links(
        case=case,
        request_type=request_type,
        parent=parent,
        record_system=record_system,
        agency=agency,
    )
    proceeding = Proceeding.objects.create(
        case=case,
        regime=regime,
        request_type=request_type,
        agency=agency,
        record_system=record_system,
        parent=parent,
        title=title.strip(),
        description=description.strip(),
        tracking_numbers=tracking_numbers.strip(),
        expedited=expedited,
        calendar_country=calendar_country.upper(),
        calendar_subdivision=calendar_subdivision.upper(),
    )
    _recompute_clocks(proceeding)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return proceeding


@transaction.atomic
def proceeding_update(*, user, proceeding: Proceeding, **fields) -> Proceeding:
    allowed = {
        "title",
        "description",
        "tracking_numbers",
        "expedited",
        "record_system",
        "parent",
        "calendar_country",
        "calendar_subdivision",
        "agency",
        "regime",
        "request_type",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(f"Unknown proceeding fields: {', '.join(sorted(unknown))}")
    _check_proceeding_links(
        case=proceeding.case,
        request_type=fields.get("request_type", proceeding.request_type),
        parent=fields.get("parent", proceeding.parent),
        record_system=fields.get("record_system", proceeding.record_system),
        agency=fields.get("agency", proceeding.agency),
    )
    if fields.get("parent") is not None and fields["parent"].pk == proceeding.pk:
        raise ApplicationError(_("A proceeding cannot follow itself."), field="parent")
    for name, value in fields.items():
        setattr(proceeding, name, value)
    proceeding.save()
    _recompute_clocks(proceeding)
    return proceeding


def _recompute_clocks(proceeding: Proceeding) -> None:
    from .clocks import proceeding_recompute_clocks

    proceeding_recompute_clocks(proceeding=proceeding)


def _check_event_date(*, proceeding: Proceeding, kind: str, occurred_on: date) -> None:
    if occurred_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="occurred_on")
    events = list(proceeding.events.order_by("occurred_on", "pk"))
    filed = next((e for e in events if e.kind == EventKind.FILED), None)
    if filed and kind != EventKind.NOTE and occurred_on < filed.occurred_on:
        raise ApplicationError(
            _("The date cannot be before the request was filed (%(date)s).")
            % {"date": filed.occurred_on.isoformat()},
            field="occurred_on",
        )
    starts = {
        EventKind.INFO_PROVIDED: EventKind.INFO_REQUESTED,
        EventKind.FEE_RESOLVED: EventKind.FEE_NOTICE,
        EventKind.APPEAL_DECIDED: EventKind.APPEAL_FILED,
        EventKind.APPEAL_FILED: EventKind.DETERMINATION,
    }
    if kind in starts:
        earlier = [e for e in events if e.kind == starts[kind]]
        if earlier and occurred_on < earlier[-1].occurred_on:
            raise ApplicationError(
                _("The date cannot be before the “%(event)s” it answers (%(date)s).")
                % {"event": earlier[-1].get_kind_display(), "date": earlier[-1].occurred_on},
                field="occurred_on",
            )


def _open_pause(proceeding: Proceeding) -> str | None:
    pause: str | None = None
    for kind in proceeding.events.order_by("occurred_on", "pk").values_list("kind", flat=True):
        if kind in (EventKind.INFO_REQUESTED, EventKind.FEE_NOTICE):
            pause = kind
        elif kind in state_machine.PAUSE_PAIRS:
            pause = None
    return pause


def _extension_recorded(proceeding: Proceeding) -> bool:
    """One extension per phase: the request, then the appeal (each clock has its own)."""
    extensions = proceeding.events.filter(kind=EventKind.EXTENSION_NOTICE)
    if proceeding.status == ProceedingStatus.APPEALED:
        appeal = proceeding.events.filter(kind=EventKind.APPEAL_FILED).order_by("-occurred_on")
        appeal = appeal.first()
        extensions = (
            extensions.filter(occurred_on__gte=appeal.occurred_on) if appeal else extensions
        )
    return extensions.exists()


@transaction.atomic
def proceeding_record_event(
    *,
    user,
    proceeding: Proceeding,
    kind: str,
    occurred_on: date,
    channel: str = "",
    tracking_number: str = "",
    outcome: str = "",
    exemptions: str = "",
    notes: str = "",
    uploads: Iterable[UploadedFile] = (),
) -> Event:
    """Record an event, move the proceeding through the state machine and recompute its clocks.

    The proceeding row is locked first so two concurrent events cannot both pass the state check.
    """
    proceeding = (
        Proceeding.objects.select_for_update()
        .select_related("case", "agency")
        .get(pk=proceeding.pk)
    )
    if proceeding.case.status == Case.Status.CLOSED:
        raise ApplicationError(_("This case is closed. Reopen it to record new events."))
    if kind not in EventKind.values:
        raise ApplicationError(_("Unknown kind of event."), field="kind")
    if occurred_on is None:
        raise ApplicationError(_("Enter the date."), field="occurred_on")
    uploads = list(uploads)
    for upload in uploads:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise ApplicationError(
                f"{upload.name}: {' '.join(exc.messages)}", field="documents"
            ) from exc
    status_after = state_machine.check_transition(
        status=proceeding.status,
        kind=kind,
        outcome=outcome,
        open_pause=_open_pause(proceeding),
        has_extension=_extension_recorded(proceeding),
    )
    _check_event_date(proceeding=proceeding, kind=kind, occurred_on=occurred_on)
    event = Event.objects.create(
        proceeding=proceeding,
        kind=kind,
        occurred_on=occurred_on,
        channel=channel,
        tracking_number=tracking_number.strip(),
        outcome=outcome,
        exemptions=exemptions.strip(),
        notes=notes.strip(),
        status_before=proceeding.status,
        status_after=status_after,
        created_by=user,
    )
    proceeding.status = status_after
    if kind == EventKind.DETERMINATION:
        proceeding.outcome = outcome
    if kind == EventKind.APPEAL_DECIDED:
        proceeding.appeal_outcome = outcome
    if event.tracking_number and event.tracking_number not in proceeding.tracking_numbers:
        proceeding.tracking_numbers = ", ".join(
            t for t in (proceeding.tracking_numbers, event.tracking_number) if t
        )[:300]
    proceeding.is_open = status_after in OPEN_STATUSES
    proceeding.save()
    for upload in uploads:
        document_upload(
            user=user, case=proceeding.case, proceeding=proceeding, event=event, upload=upload
        )
    _recompute_clocks(proceeding)
    Case.objects.filter(pk=proceeding.case_id).update(updated_at=timezone.now())
    return event


@transaction.atomic
def document_upload(
    *,
    user,
    case: Case,
    upload: UploadedFile,
    proceeding: Proceeding | None = None,
    event: Event | None = None,
    title: str = "",
) -> Document:
    try:
        content_type = validate_upload(upload)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="file") from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "upload").rsplit("/", 1)[-1][:150]
    document = Document(
        case=case,
        proceeding=proceeding,
        event=event,
        kind=Document.Kind.UPLOAD,
        title=(title or name)[:200],
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        created_by=user,
    )
    document.file.save(name, upload, save=False)
    document.save()
    return document
