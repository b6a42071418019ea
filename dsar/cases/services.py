"""Writes for cases, proceedings, events and uploaded documents."""

import datetime
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dsar.accounts.models import Membership
from dsar.audit.services import Action, audit_record
from dsar.core.exceptions import ApplicationError, ConflictError, raise_if_errors
from dsar.core.uploads import CheckedUpload, check_total_size, check_upload
from dsar.deadlines import procedure
from dsar.directory.countries import country_code_normalize
from dsar.directory.models import Agency, RecordSystem, Regime
from dsar.letters.models import Document

from . import selectors, state_machine
from .clocks import proceeding_recompute_clocks
from .models import (
    Case,
    Channel,
    Event,
    EventKind,
    Outcome,
    Proceeding,
    ProceedingStatus,
    RequestType,
    USStatus,
)
from .search import case_search_terms_rebuild

CASE_FIELDS = {
    "title",
    "subject_name",
    "subject_other_names",
    "subject_nationality",
    "subject_us_status",
    "subject_residence",
    "subject_present_in",
    "subject_address",
    "subject_email",
    "subject_date_of_birth",
    "subject_place_of_birth",
    "subject_a_number",
    "subject_passport_number",
    "notes",
    "for_client",
    "organization",
    "decision_date",
    "decision_place",
    "decision_system",
    "decision_system_other",
    "decision_description",
    "decision_outcome",
    "decision_references",
}


COUNTRY_CODE_MESSAGE = _("Use a two-letter ISO country code, such as MX.")


def _country_code(value, *, field: str, errors: dict, allow_eu: bool = False) -> str:
    try:
        return country_code_normalize(value, allow_eu=allow_eu)
    except ValueError as refused:
        errors.setdefault(field, []).append(str(COUNTRY_CODE_MESSAGE))
        # The trimmed value, so that a length check after this one still sees it ("MEX").
        return str(refused.args[0]) if refused.args else ""


def _past_date(value, *, field: str, errors: dict, message: str) -> None:
    if value is not None and value > timezone.localdate():
        errors.setdefault(field, []).append(message)


def _date_of_birth(value, *, errors: dict) -> str:
    """Stored as text (it is encrypted); checked and normalised to YYYY-MM-DD here."""
    if isinstance(value, date):
        value = value.isoformat()
    value = str(value or "").strip()
    if not value:
        return ""
    try:
        born = date.fromisoformat(value)
    except ValueError:
        errors.setdefault("subject_date_of_birth", []).append(_("Enter a valid date (YYYY-MM-DD)."))
        return value
    _past_date(
        born,
        field="subject_date_of_birth",
        errors=errors,
        message=_("The date of birth cannot be in the future."),
    )
    return born.isoformat()


def _length_errors(model, fields: dict, errors: dict) -> None:
    """Encrypted columns are text (ciphertext is longer than the value), so the database no
    longer enforces the length of a value: the service does, for every caller."""
    for name, value in fields.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors.setdefault(name, []).append(
                _("%(field)s: at most %(limit)s characters.")
                % {"field": model._meta.get_field(name).verbose_name.capitalize(), "limit": limit}
            )


def _check_lengths(model, fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    _length_errors(model, fields, errors)
    raise_if_errors(errors)


def case_fields_errors(*, user, fields: dict) -> dict[str, list[str]]:
    """Check and normalise a case's fields in place; return the errors by field (empty when
    the fields are acceptable). Used for one case and for each case of an import."""
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        errors["non_field_errors"] = [f"Unknown case fields: {', '.join(sorted(unknown))}"]
        return errors
    if "title" in fields and not str(fields["title"] or "").strip():
        errors["title"] = [_("Give the case a title.")]
    if "subject_name" in fields and not str(fields["subject_name"] or "").strip():
        errors["subject_name"] = [_("Enter the name of the person the records are about.")]
    if fields.get("subject_us_status", USStatus.NONE) not in USStatus.values:
        errors["subject_us_status"] = [_("Choose a valid US status.")]
    for code_field in ("subject_nationality", "subject_residence", "subject_present_in"):
        if code_field in fields:
            fields[code_field] = _country_code(fields[code_field], field=code_field, errors=errors)
    if "subject_date_of_birth" in fields:
        fields["subject_date_of_birth"] = _date_of_birth(
            fields["subject_date_of_birth"], errors=errors
        )
    # After normalisation: " mx " is the two characters "MX".
    _length_errors(Case, fields, errors)
    if fields.get("subject_email"):
        try:
            validate_email(str(fields["subject_email"]).strip())
        except ValidationError:
            errors["subject_email"] = [_("Enter a valid e-mail address.")]
    _past_date(
        fields.get("decision_date"),
        field="decision_date",
        errors=errors,
        message=_("The decision date cannot be in the future."),
    )
    system = fields.get("decision_system")
    if system is not None and not isinstance(system, RecordSystem):
        errors["decision_system"] = [_("Choose a valid record system.")]
    organization = fields.get("organization")
    if organization is not None and not organization.memberships.filter(user=user).exists():
        errors["organization"] = [_("You are not a member of that organization.")]
    return errors


def _check_case_fields(*, user, fields: dict) -> None:
    raise_if_errors(case_fields_errors(user=user, fields=fields))


@transaction.atomic
def case_create(*, user, title: str, subject_name: str, **fields) -> Case:
    fields = {"title": title, "subject_name": subject_name, **fields}
    _check_case_fields(user=user, fields=fields)
    case = Case(owner=user, **fields)
    case.save()
    audit_record(actor=user, action=Action.CREATE, case=case)
    if case.organization_id:
        audit_record(
            actor=user, action=Action.SHARE, case=case, detail=f"organization: {case.organization}"
        )
    return case


_UNCHANGED = object()


@transaction.atomic
def case_update(*, user, case: Case, **fields) -> Case:
    """Change a case. Editors (the owner, the organization's advocates and administrators)
    change its content; a change of organization is a change of sharing and goes through
    ``case_change_sharing`` with its own rule (owner or organization administrator)."""
    if not selectors.case_can_edit(user=user, case=case):
        raise ApplicationError(_("You can read this case but not change it."))
    organization = fields.pop("organization", _UNCHANGED)
    _check_case_fields(user=user, fields=fields)
    if organization is not _UNCHANGED and (
        (organization.pk if organization else None) != case.organization_id
    ):
        case_change_sharing(user=user, case=case, organization=organization)
    changed = sorted(name for name, value in fields.items() if getattr(case, name) != value)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()
    if changed:
        audit_record(
            actor=user, action=Action.CHANGE, case=case, detail="fields: " + ", ".join(changed)
        )
    return case


def _tell_sharing_change(*, recipient, actor, case: Case, changes: list[tuple]) -> None:
    from dsar.reminders.services import notice_send

    with translation.override(recipient.language or "en"):
        labels = {"organization": _("Organization"), "owner": _("Owner")}
        lines = [
            _("%(what)s: %(before)s → %(after)s")
            % {"what": labels[what], "before": before or _("nobody"), "after": after or _("nobody")}
            for what, before, after in changes
        ]
        notice_send(
            user=recipient,
            title=_("Who can see your case changed: %(case)s") % {"case": case.title},
            body=_("%(actor)s changed the sharing of this case.") % {"actor": actor.email}
            + "\n"
            + "\n".join(lines),
            url=case.get_absolute_url(),
        )


@transaction.atomic
def case_change_sharing(*, user, case: Case, organization=None, owner=None) -> Case:
    """Move a case to another organization (or make it personal) and/or hand it to another
    owner. Only the owner or an administrator of the organization holding the case may do it;
    the mover must belong to the target organization; a new owner must be an advocate or
    administrator of the organization the case ends up in. The owner (and a new owner) are told.

    ``owner=None`` keeps the current owner."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("owner", "organization")
        .get(pk=case.pk)
    )
    if not selectors.case_can_manage(user=user, case=locked):
        raise ApplicationError(
            _(
                "Only the case's owner or the administrators of its organization can change "
                "who it is shared with."
            ),
            field="organization",
        )
    if (
        organization is not None
        and not Membership.objects.filter(organization=organization, user=user).exists()
    ):
        raise ApplicationError(
            _("You are not a member of that organization."), field="organization"
        )
    new_owner = owner or locked.owner
    if new_owner.pk != locked.owner_id and not (
        organization is not None
        and Membership.objects.filter(
            organization=organization, user=new_owner, role__in=selectors.EDITOR_ROLES
        ).exists()
    ):
        raise ApplicationError(
            _(
                "A case can only be handed to an advocate or administrator of the organization "
                "it is shared with."
            ),
            field="owner",
        )
    changes, detail = [], []
    before_org = str(locked.organization) if locked.organization else ""
    after_org = str(organization) if organization else ""
    if (organization.pk if organization else None) != locked.organization_id:
        changes.append(("organization", before_org, after_org))
        detail.append(f"organization: {before_org or '-'} -> {after_org or '-'}")
    if new_owner.pk != locked.owner_id:
        changes.append(("owner", locked.owner.email, new_owner.email))
        detail.append(f"owner: {locked.owner.email} -> {new_owner.email}")
    if not changes:
        return case
    old_owner = locked.owner
    locked.organization = organization
    locked.owner = new_owner
    locked.save(update_fields=["organization", "owner", "updated_at"])
    case.organization, case.owner = organization, new_owner
    case.updated_at = locked.updated_at
    audit_record(actor=user, action=Action.SHARE, case=locked, detail="; ".join(detail))
    for recipient in {old_owner, new_owner}:
        _tell_sharing_change(recipient=recipient, actor=user, case=locked, changes=changes)
    return case


def _erase_files(documents: Iterable[Document]) -> None:
    """Remove the stored files of documents being deleted, once the deletion commits (a
    rolled-back deletion keeps its files). The one place where document files are removed."""
    names = [(d.file.storage, d.file.name) for d in documents if d.file]

    def erase() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(erase)


@transaction.atomic
def document_remove(*, user, document: Document) -> None:
    """Delete a document and its file. Editors of the case may do it; it is recorded."""
    if not selectors.case_can_edit(user=user, case=document.case):
        raise ApplicationError(_("You can read this case but not change it."))
    audit_record(
        actor=user, action=Action.DELETE, document=document, detail=f"document {document.pk}"
    )
    _erase_files([document])
    document.delete()


def case_destroy(*, case: Case) -> int:
    """Delete a case with everything in it, its files included. Callers check the right to
    do it and record it; this is shared by case deletion, account deletion and retention."""
    documents = list(Document.objects.filter(case=case))
    _erase_files(documents)
    case.delete()
    return len(documents)


@transaction.atomic
def case_delete(*, user, case: Case) -> None:
    locked = (
        Case.objects.select_for_update(of=("self",)).select_related("organization").get(pk=case.pk)
    )
    if not selectors.case_can_manage(user=user, case=locked):
        raise ApplicationError(
            _("Only the case's owner or the administrators of its organization can delete it.")
        )
    audit_record(actor=user, action=Action.DELETE, case=locked, detail=f"case {locked.pk}")
    case_destroy(case=locked)


@transaction.atomic
def cases_delete_expired(*, now=None) -> int:
    """Retention: delete the closed personal cases (not shared with an organization) of users
    who chose a retention period, once that many days have passed since the case was closed.
    Safe to run twice: a deleted case is no longer found."""
    now = now or timezone.now()
    expired = (
        Case.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=Case.Status.CLOSED,
            organization__isnull=True,
            owner__retention_days__isnull=False,
            closed_at__isnull=False,
        )
        .select_related("owner")
    )
    deleted = 0
    for case in expired:
        days = case.owner.retention_days
        if case.closed_at is None or days is None:
            continue
        if case.closed_at + datetime.timedelta(days=days) > now:
            continue
        audit_record(
            actor=None,
            action=Action.DELETE,
            case=case,
            detail=f"case {case.pk}: retention of {case.owner.retention_days} days",
        )
        case_destroy(case=case)
        deleted += 1
    return deleted


@transaction.atomic
def case_close(*, user, case: Case) -> Case:
    if case.status == Case.Status.CLOSED:
        raise ConflictError(_("This case is already closed."))
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=user, action=Action.CHANGE, case=case, detail="closed")
    return case


@transaction.atomic
def case_reopen(*, user, case: Case) -> Case:
    if case.status == Case.Status.OPEN:
        raise ConflictError(_("This case is already open."))
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=user, action=Action.CHANGE, case=case, detail="reopened")
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


def _check_calendar(fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    if "calendar_country" in fields:
        fields["calendar_country"] = _country_code(
            fields["calendar_country"], field="calendar_country", errors=errors, allow_eu=True
        )
    if "calendar_subdivision" in fields:
        fields["calendar_subdivision"] = str(fields["calendar_subdivision"] or "").strip().upper()
    raise_if_errors(errors)


def proceeding_eligibility_warnings(
    *, case: Case, regime: Regime, request_type: str, agency: Agency | None = None
) -> list[str]:
    """Whether the subject may use this regime, as warnings (not refusals: the person may know
    better than the data), from the procedure module's eligibility rules with their citations."""
    found = procedure.eligibility(
        regime=regime.code,
        agency_country=agency.country if agency is not None else "",
        us_status=case.subject_us_status,
        nationality=case.subject_nationality,
        present_in=case.subject_present_in,
    )
    return [
        _(
            "The subject may not be eligible for this request under %(regime)s: "
            "%(reason)s (%(cite)s)."
        )
        % {"regime": regime.name, "reason": _(warning.reason), "cite": warning.citation}
        for warning in found
    ]


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
        raise ConflictError(_("Reopen the case before adding proceedings to it."))
    if not isinstance(regime, Regime):
        raise ApplicationError(_("Choose the legal regime."), field="regime")
    _check_lengths(
        Proceeding, {"title": title.strip(), "tracking_numbers": tracking_numbers.strip()}
    )
    _check_proceeding_links(
        case=case,
        request_type=request_type,
        parent=parent,
        record_system=record_system,
        agency=agency,
    )
    calendar = {"calendar_country": calendar_country, "calendar_subdivision": calendar_subdivision}
    _check_calendar(calendar)
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
        **calendar,
    )
    _recompute_clocks(proceeding)
    proceeding.warnings = proceeding_eligibility_warnings(  # type: ignore[attr-defined]
        case=case, regime=regime, request_type=request_type, agency=proceeding.agency
    )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    audit_record(actor=user, action=Action.CREATE, case=case, detail=f"proceeding {proceeding.pk}")
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
    _check_lengths(Proceeding, fields)
    _check_proceeding_links(
        case=proceeding.case,
        request_type=fields.get("request_type", proceeding.request_type),
        parent=fields.get("parent", proceeding.parent),
        record_system=fields.get("record_system", proceeding.record_system),
        agency=fields.get("agency", proceeding.agency),
    )
    if fields.get("parent") is not None and fields["parent"].pk == proceeding.pk:
        raise ApplicationError(_("A proceeding cannot follow itself."), field="parent")
    if "regime" in fields and not isinstance(fields["regime"], Regime):
        raise ApplicationError(_("Choose the legal regime."), field="regime")
    _check_calendar(fields)
    changed = sorted(name for name, value in fields.items() if getattr(proceeding, name) != value)
    for name, value in fields.items():
        setattr(proceeding, name, value)
    proceeding.save()
    _recompute_clocks(proceeding)
    proceeding.warnings = proceeding_eligibility_warnings(  # type: ignore[attr-defined]
        case=proceeding.case,
        regime=proceeding.regime,
        request_type=proceeding.request_type,
        agency=proceeding.agency,
    )
    if changed:
        audit_record(
            actor=user,
            action=Action.CHANGE,
            case=proceeding.case,
            detail=f"proceeding {proceeding.pk}: " + ", ".join(changed),
        )
    return proceeding


def _recompute_clocks(proceeding: Proceeding) -> None:
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
        **procedure.PAUSE_PAIRS,
        EventKind.APPEAL_DECIDED: EventKind.APPEAL_FILED,
        EventKind.APPEAL_RECEIVED: EventKind.APPEAL_FILED,
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


RECEIPTS = (EventKind.RECEIVED, EventKind.APPEAL_RECEIVED)


def _check_event_details(
    *,
    kind: str,
    occurred_on: date,
    first_received_on: date | None,
    after_cutoff: bool,
    extension_days: int | None,
    extended_to: date | None,
) -> None:
    """The details some events carry: a receipt's first receipt elsewhere and cut-off, an
    extension notice's length or new date."""
    if first_received_on is not None:
        if kind != EventKind.RECEIVED:
            raise ApplicationError(
                _("Only a receipt can say that another component received the request first."),
                field="first_received_on",
            )
        if first_received_on > occurred_on:
            raise ApplicationError(
                _("Another component cannot have received it after the proper one."),
                field="first_received_on",
            )
    if after_cutoff and kind not in RECEIPTS:
        raise ApplicationError(
            _("Only a receipt can come after the agency's cut-off time."), field="after_cutoff"
        )
    if extension_days is not None or extended_to is not None:
        if kind != EventKind.EXTENSION_NOTICE:
            raise ApplicationError(
                _("Only an extension notice has a length or a new date."), field="extension_days"
            )
        if extension_days is not None and extended_to is not None:
            raise ApplicationError(
                _("Give either the length of the extension or the new date, not both."),
                field="extension_days",
            )
        if extension_days is not None and not 1 <= extension_days <= 366:
            raise ApplicationError(
                _("An extension is between 1 and 366 days."), field="extension_days"
            )
        if extended_to is not None and extended_to <= occurred_on:
            raise ApplicationError(_("The new date must be after the notice."), field="extended_to")


def _open_pause(proceeding: Proceeding) -> str | None:
    return procedure.open_pause(proceeding.events.order_by("occurred_on", "pk").only("kind"))


def _extension_recorded(proceeding: Proceeding) -> bool:
    """One extension per phase: the request, then the appeal (each clock has its own)."""
    extensions = proceeding.events.filter(kind=EventKind.EXTENSION_NOTICE)
    if proceeding.status == ProceedingStatus.APPEALED:
        appeal = (
            proceeding.events.filter(kind=EventKind.APPEAL_FILED).order_by("-occurred_on").first()
        )
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
    first_received_on: date | None = None,
    after_cutoff: bool = False,
    extension_days: int | None = None,
    extended_to: date | None = None,
) -> Event:
    """Record an event, move the proceeding through the state machine and recompute its clocks.

    The proceeding row is locked first so two concurrent events cannot both pass the state check.
    """
    proceeding = (
        Proceeding.objects.select_for_update()
        .select_related("case", "agency", "regime")
        .get(pk=proceeding.pk)
    )
    if proceeding.case.status == Case.Status.CLOSED:
        raise ConflictError(_("This case is closed. Reopen it to record new events."))
    if kind not in EventKind.values:
        raise ApplicationError(_("Unknown kind of event."), field="kind")
    if occurred_on is None:
        raise ApplicationError(_("Enter the date."), field="occurred_on")
    if channel and channel not in Channel.values:
        raise ApplicationError(_("Choose a valid channel."), field="channel")
    if outcome and outcome not in Outcome.values:
        raise ApplicationError(_("Choose a valid outcome."), field="outcome")
    _check_lengths(Event, {"tracking_number": tracking_number.strip()})
    checked = check_uploads(uploads)
    status_after = state_machine.check_transition(
        status=proceeding.status,
        kind=kind,
        outcome=outcome,
        open_pause=_open_pause(proceeding),
        has_extension=_extension_recorded(proceeding),
        regime=proceeding.regime.code,
    )
    _check_event_date(proceeding=proceeding, kind=kind, occurred_on=occurred_on)
    _check_event_details(
        kind=kind,
        occurred_on=occurred_on,
        first_received_on=first_received_on,
        after_cutoff=after_cutoff,
        extension_days=extension_days,
        extended_to=extended_to,
    )
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
        first_received_on=first_received_on,
        after_cutoff=after_cutoff,
        extension_days=extension_days,
        extended_to=extended_to,
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
    proceeding.is_open = procedure.is_open(status_after)
    proceeding.save()
    for upload in checked:
        _store_upload(
            user=user, case=proceeding.case, proceeding=proceeding, event=event, upload=upload
        )
    _recompute_clocks(proceeding)
    Case.objects.filter(pk=proceeding.case_id).update(updated_at=timezone.now())
    audit_record(
        actor=user,
        action=Action.CHANGE,
        case=proceeding.case,
        detail=f"proceeding {proceeding.pk}: event {event.pk} ({kind})",
    )
    return event


def check_uploads(uploads: Iterable[UploadedFile]) -> list[CheckedUpload]:
    """Check every file of one request, and their total size, before anything is stored."""
    checked = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            raise ApplicationError(
                f"{upload.name}: {' '.join(exc.messages)}", field="documents"
            ) from exc
    try:
        check_total_size(upload.size for upload in checked)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="documents") from exc
    return checked


def _store_upload(
    *,
    user,
    case: Case,
    upload: CheckedUpload,
    proceeding: Proceeding | None = None,
    event: Event | None = None,
    title: str = "",
) -> Document:
    # Imported here: the letters' services import the accounts' services, which import these.
    from dsar.letters.services import document_create

    document = document_create(
        case=case,
        proceeding=proceeding,
        event=event,
        kind=Document.Kind.UPLOAD,
        title=title or upload.name,
        original_name=upload.name,
        content=upload.content,
        content_type=upload.content_type,
        created_by=user,
    )
    audit_record(actor=user, action=Action.UPLOAD, case=case, document=document)
    return document


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
    """Check and store one uploaded file, encrypted, under a generated name."""
    if proceeding is not None and proceeding.case_id != case.pk:
        raise ApplicationError(
            _("The proceeding must belong to the same case."), field="proceeding"
        )
    if event is not None and event.proceeding.case_id != case.pk:
        raise ApplicationError(_("The event must belong to the same case."), field="event")
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="file") from exc
    return _store_upload(
        user=user, case=case, upload=checked, proceeding=proceeding, event=event, title=title
    )


IMPORT_PROCEEDING_FIELDS = {
    "regime",
    "request_type",
    "agency",
    "record_system",
    "title",
    "description",
    "tracking_numbers",
    "expedited",
    "calendar_country",
    "calendar_subdivision",
}


def _import_proceeding_errors(
    proceeding: dict, *, regimes: dict, agencies: dict, systems: dict
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = set(proceeding) - IMPORT_PROCEEDING_FIELDS
    if unknown:
        errors["non_field_errors"] = [f"Unknown proceeding fields: {', '.join(sorted(unknown))}"]
    if proceeding.get("regime") not in regimes:
        errors["regime"] = [_("Unknown regime code.")]
    if proceeding.get("agency") not in agencies:
        errors["agency"] = [_("Unknown agency code.")]
    if proceeding.get("record_system") and proceeding["record_system"] not in systems:
        errors["record_system"] = [_("Unknown record system code.")]
    request_type = proceeding.get("request_type")
    if request_type not in RequestType.values:
        errors["request_type"] = [_("Choose a valid request type.")]
    elif request_type in (RequestType.APPEAL, RequestType.MEDIATION):
        errors["request_type"] = [
            _("An appeal or mediation request must be linked to the proceeding it follows.")
        ]
    if "calendar_country" in proceeding:
        proceeding["calendar_country"] = _country_code(
            proceeding["calendar_country"], field="calendar_country", errors=errors, allow_eu=True
        )
    proceeding["calendar_subdivision"] = str(proceeding.get("calendar_subdivision") or "").upper()
    return errors


@transaction.atomic
def cases_import(*, user, cases: list[dict]) -> tuple[list[Case], dict[str, list[str]]]:
    """Create many cases, each with its proceedings, together or not at all.

    Every item is checked by the same rules as ``case_create`` and ``proceeding_create`` before
    anything is written; one bad item refuses the whole batch, with each error named after its
    place (``cases.3.subject_nationality``, ``cases.3.proceedings.0.agency``). The rows are then
    written with two bulk inserts. New proceedings are drafts (no event yet), so they have no
    clocks to compute. Returns the cases and the eligibility warnings by place."""
    limit = settings.DSAR_API_IMPORT_MAX_CASES
    if not cases:
        raise ApplicationError(_("Send at least one case."), field="cases")
    if len(cases) > limit:
        raise ApplicationError(
            _("Send at most %(limit)s cases at a time.") % {"limit": limit}, field="cases"
        )
    items = []
    for item in cases:
        fields = {"title": "", "subject_name": "", **item}
        items.append((fields, [dict(p) for p in fields.pop("proceedings", None) or []]))
    wanted = [p for _fields, proceedings in items for p in proceedings]
    regimes = {r.code: r for r in Regime.objects.filter(code__in={p.get("regime") for p in wanted})}
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in={p.get("agency") for p in wanted})
    }
    systems = {
        s.code: s
        for s in RecordSystem.objects.filter(code__in={p.get("record_system") for p in wanted})
    }
    errors: dict[str, list[str]] = {}
    for i, (fields, proceedings) in enumerate(items):
        for name, messages in case_fields_errors(user=user, fields=fields).items():
            errors[f"cases.{i}.{name}"] = messages
        for j, proceeding in enumerate(proceedings):
            found = _import_proceeding_errors(
                proceeding, regimes=regimes, agencies=agencies, systems=systems
            )
            for name, messages in found.items():
                errors[f"cases.{i}.proceedings.{j}.{name}"] = messages
    if errors:
        failed = len({key.split(".")[1] for key in errors})
        raise ApplicationError(
            _("%(failed)s of %(total)s cases have errors; nothing was imported.")
            % {"failed": failed, "total": len(items)},
            errors=errors,
        )
    created = Case.objects.bulk_create([Case(owner=user, **fields) for fields, _p in items])
    rows: list[Proceeding] = []
    warnings: dict[str, list[str]] = {}
    for i, (case, (_fields, proceedings)) in enumerate(zip(created, items, strict=True)):
        for j, values in enumerate(proceedings):
            regime = regimes[values["regime"]]
            rows.append(
                Proceeding(
                    case=case,
                    regime=regime,
                    request_type=values["request_type"],
                    agency=agencies[values["agency"]],
                    record_system=systems.get(values.get("record_system") or ""),
                    title=str(values.get("title") or "").strip(),
                    description=str(values.get("description") or "").strip(),
                    tracking_numbers=str(values.get("tracking_numbers") or "").strip(),
                    expedited=bool(values.get("expedited")),
                    calendar_country=values.get("calendar_country", ""),
                    calendar_subdivision=values["calendar_subdivision"],
                    # bulk_create skips Proceeding.save: set the visibility copies it keeps.
                    owner_id=case.owner_id,
                    organization_id=case.organization_id,
                    listed=True,
                )
            )
            cautions = proceeding_eligibility_warnings(
                case=case,
                regime=regime,
                request_type=values["request_type"],
                agency=agencies[values["agency"]],
            )
            if cautions:
                warnings[f"cases.{i}.proceedings.{j}"] = cautions
    Proceeding.objects.bulk_create(rows, batch_size=1000)
    case_search_terms_rebuild(case_ids=[case.pk for case in created])
    return created, warnings


@transaction.atomic
def case_assign(*, user, case: Case, assignee) -> Case:
    """Give the case to a colleague (the owner, or an administrator or advocate of the case's
    organization), who then receives its reminders; ``assignee=None`` removes the assignment."""
    from .selectors import assignable_users, case_get_for_edit

    case = case_get_for_edit(user=user, case_id=case.pk)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if assignee is not None and assignee.pk not in {u.pk for u in assignable_users(case=case)}:
        raise ApplicationError(
            _("A case can be assigned only to its owner or to an advocate of its organization."),
            field="assignee",
        )
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    return case
