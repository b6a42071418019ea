import datetime
import hashlib
import hmac
import secrets
import tempfile
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dsar.audit.services import Action, audit_record
from dsar.cases.models import Case
from dsar.cases.selectors import case_can_edit
from dsar.cases.services import case_destroy, cases_delete_expired, document_upload
from dsar.core.crypto import new_data_key, seal
from dsar.core.exceptions import ApplicationError, ConflictError
from dsar.core.work import (
    is_transient_database_error,
    work_claim,
    work_enqueue_on_commit,
    work_fail,
    work_mine,
    work_release,
)
from dsar.reminders.models import Notification
from dsar.reminders.services import notice_send

from .exports import write_export_zip
from .models import (
    DATA_EXPORT,
    ApiToken,
    ClientConsent,
    DataExport,
    Invitation,
    Membership,
    Organization,
    User,
    token_digest,
)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language: e-mails and reminders are sent in it."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError("Unknown language.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def _require_admin(*, user: User, organization) -> None:

    if not Membership.objects.filter(
        organization=organization, user=user, role=Membership.Role.ADMIN
    ).exists():
        raise ApplicationError(_("Only the organization's administrators can do this."))


@transaction.atomic
def organization_create(*, user: User, name: str):

    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the organization a name."), field="name")
    base = slugify(name)[:40] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organization = Organization.objects.create(name=name, slug=slug)
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.ADMIN)
    return organization


@transaction.atomic
def membership_remove(*, user: User, membership) -> None:

    _require_admin(user=user, organization=membership.organization)
    admins = Membership.objects.filter(
        organization=membership.organization, role=Membership.Role.ADMIN
    )
    if membership.role == Membership.Role.ADMIN and admins.count() == 1:
        raise ApplicationError(_("An organization needs at least one administrator."))
    membership.delete()
    _tell_case_owners(
        organization=membership.organization, member=membership.user, joined=False, actor=user
    )


@transaction.atomic
def membership_set_role(*, user: User, membership, role: str):
    """An administrator changes a member's role (administrator, member, viewer): what they may
    do with the organization's cases changes, so it is in the audit trail. The last
    administrator cannot step down."""

    if role not in Membership.Role.values:
        raise ApplicationError(_("Choose a role from the list."), field="role")
    _require_admin(user=user, organization=membership.organization)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    admins = Membership.objects.select_for_update().filter(
        organization=membership.organization, role=Membership.Role.ADMIN
    )
    if membership.role == Membership.Role.ADMIN and admins.count() == 1:
        raise ApplicationError(_("An organization needs at least one administrator."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=user,
        action=Action.SHARE,
        detail=f"role in {membership.organization}: {membership.user.email} {previous} → {role}",
    )
    return membership


@transaction.atomic
def organization_set_mfa_required(*, user: User, organization, required: bool):
    """Require (or stop requiring) a second factor of every member; only an administrator who
    uses one can turn the requirement on, so nobody locks themselves out by accident."""
    from .selectors import user_has_second_factor

    _require_admin(user=user, organization=organization)
    if required and not user_has_second_factor(user=user):
        raise ApplicationError(_("Turn on two-factor authentication for your own account first."))
    if organization.require_mfa != required:
        organization.require_mfa = required
        organization.save(update_fields=["require_mfa", "updated_at"])
    return organization


# --- API tokens ----------------------------------------------------------------------------

API_TOKEN_PREFIX = "dsar"
# last_used_at is written at most this often per token, not on every request.
API_TOKEN_TOUCH_SECONDS = 60


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", read_only: bool = False, expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return the row and the token itself, which is never stored or shown
    again (only its SHA-256 is kept)."""
    name = (name or "").strip() or _("API token")
    if len(name) > 100:
        raise ApplicationError(_("The name is too long (100 characters at most)."), field="name")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ApplicationError(_("The token can last from 1 to 3650 days."), field="expires_days")
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    token = f"{API_TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    row = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=_token_hash(token),
        read_only=read_only,
        expires_at=expires_at,
    )
    return row, token


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    row = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if row is None:
        raise Http404("No such token")
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


def api_token_authenticate(*, token: str) -> ApiToken | None:
    """The active token matching ``token``, its user loaded, or None. Compares hashes in
    constant time; records the use (at most once a minute per token)."""
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != API_TOKEN_PREFIX:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.key_hash, _token_hash(token)):
        return None
    now = timezone.now()
    if not row.is_active(now) or not row.user.is_active:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > (
        API_TOKEN_TOUCH_SECONDS
    ):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


# --- invitations -----------------------------------------------------------------------------

INVITATION_DAYS = 14


def _send_invitation_email(*, invitation, token: str, language: str) -> None:

    url = settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])
    ctx = {
        "organization": invitation.organization,
        "role": invitation.get_role_display(),
        "inviter": invitation.invited_by.email if invitation.invited_by else "",
        "url": url,
        "expires_at": invitation.expires_at,
        "signup_url": settings.SITE_URL + reverse("account_signup"),
        "email": invitation.email,
        "language": language,
    }
    with translation.override(language):
        subject = _("Invitation to join %(organization)s on dsar") % {
            "organization": invitation.organization.name
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("accounts/email/invitation.txt", ctx),
            to=[invitation.email],
        )
        message.attach_alternative(
            render_to_string("accounts/email/invitation.html", ctx), "text/html"
        )
    transaction.on_commit(lambda: message.send(fail_silently=True))


@transaction.atomic
def invitation_create(*, user: User, organization, email: str, role: str):
    """Invite someone by e-mail address. Nobody joins without accepting, and the answer is the
    same whether or not an account uses the address (no way to learn who has an account).
    Inviting the same address again replaces the earlier pending invitation."""

    _require_admin(user=user, organization=organization)
    if role not in Membership.Role.values:
        raise ApplicationError(_("Choose a valid role."), field="role")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(_("Enter a valid e-mail address."), field="email") from exc
    # Members are listed to the administrators already: saying so reveals nothing new.
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ApplicationError(_("This person is already a member."), field="email")
    Invitation.objects.filter(
        organization=organization, email=email, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED, answered_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=token_digest(token),
        invited_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitee = User.objects.filter(email__iexact=email).first()
    if invitee is not None:
        # Seen in the application too; the inviter is told the same either way.
        with translation.override(invitee.language or "en"):
            Notification.objects.create(
                user=invitee,
                title=_("%(organization)s invites you to join it")
                % {"organization": organization.name},
                body=_("Accept or decline the invitation on the Organizations page."),
                url=reverse("accounts:organizations"),
            )
    language = invitee.language if invitee else user.language
    _send_invitation_email(invitation=invitation, token=token, language=language or "en")
    return invitation


@transaction.atomic
def invitation_revoke(*, user: User, invitation) -> None:

    _require_admin(user=user, organization=invitation.organization)
    if invitation.status != Invitation.Status.PENDING:
        raise ApplicationError(_("This invitation was already answered."))
    invitation.status = Invitation.Status.REVOKED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])


def _email_verified(user: User) -> bool:

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def _pending_invitation(*, user: User, token: str | None, invitation_id: int | None):

    qs = Invitation.objects.select_for_update().filter(
        status=Invitation.Status.PENDING,
        email__iexact=user.email,
        expires_at__gt=timezone.now(),
    )
    if token is not None:
        invitation = qs.filter(token_hash=token_digest(token)).first()
    else:
        invitation = qs.filter(pk=invitation_id or 0).first()
    if invitation is None:
        raise ApplicationError(
            _(
                "This invitation is not valid for your account: it was answered, withdrawn or "
                "has expired, or it was sent to another e-mail address."
            )
        )
    return invitation


@transaction.atomic
def invitation_answer(
    *,
    user: User,
    accept: bool,
    token: str | None = None,
    invitation_id: int | None = None,
):
    """Accept or decline an invitation sent to this account's e-mail address: from the link in
    the e-mail (the token proves the mailbox), or from the list in the application (then the
    address must be verified). On acceptance the owners of the organization's cases are told
    who can now see them."""

    invitation = _pending_invitation(user=user, token=token, invitation_id=invitation_id)
    if accept and token is None and not _email_verified(user):
        raise ApplicationError(
            _("Confirm your e-mail address first, or open the link in the invitation e-mail.")
        )
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])
    if not accept:
        return None
    membership, created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    if created:
        _tell_case_owners(
            organization=invitation.organization, member=user, joined=True, actor=user
        )
    return membership


def _tell_case_owners(*, organization, member: User, joined: bool, actor: User) -> None:
    """A change of membership changes who sees every case of the organization: each owner of
    such a case (other than the member) is told once."""

    owner_ids = (
        Case.objects.filter(organization=organization)
        .exclude(owner=member)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    audit_record(
        actor=actor,
        action=Action.SHARE,
        detail=f"{'joined' if joined else 'left'} {organization}: {member.email}",
    )
    for owner in User.objects.filter(pk__in=list(owner_ids)):
        with translation.override(owner.language or "en"):
            if joined:
                title = _("%(member)s joined %(organization)s and can now see its cases") % {
                    "member": member.email,
                    "organization": organization.name,
                }
            else:
                title = _("%(member)s left %(organization)s and no longer sees its cases") % {
                    "member": member.email,
                    "organization": organization.name,
                }
            notice_send(
                user=owner,
                title=title,
                body=_("Your cases shared with %(organization)s are concerned.")
                % {"organization": organization.name},
                url=reverse("accounts:organization", args=[organization.pk]),
            )


# --- data rights: retention, account deletion ------------------------------------------------


@transaction.atomic
def retention_set(*, user: User, days: int | None) -> User:
    if days is not None and not 30 <= days <= 3650:
        raise ApplicationError(
            _("Choose between 30 and 3650 days, or leave it empty."), field="retention_days"
        )
    user.retention_days = days
    user.save(update_fields=["retention_days"])
    return user


def _organization_heir(*, case, leaving: User) -> User | None:
    """Who receives an organization case when its owner leaves: an administrator of the
    organization other than the owner, the longest-standing first."""

    membership = (
        Membership.objects.filter(organization_id=case.organization_id, role=Membership.Role.ADMIN)
        .exclude(user=leaving)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def account_delete(*, user: User, password: str) -> dict:
    """Delete my account, confirmed by my password. Cases I own inside an organization are
    handed to one of its administrators (never lost); my personal cases and their files are
    deleted. Refused, with nothing changed, when an organization case would have nobody to
    receive it, or when I am the last administrator of an organization with other members."""

    if not password or not user.check_password(password):
        raise ApplicationError(_("The password is not correct."), field="password")
    user = User.objects.select_for_update().get(pk=user.pk)
    for membership in Membership.objects.filter(user=user, role=Membership.Role.ADMIN):
        others = Membership.objects.filter(organization=membership.organization).exclude(user=user)
        if others.exists() and not others.filter(role=Membership.Role.ADMIN).exists():
            raise ApplicationError(
                _(
                    "You are the last administrator of %(organization)s: make another member "
                    "an administrator first."
                )
                % {"organization": membership.organization.name}
            )
    handed, deleted = 0, 0
    cases = Case.objects.select_for_update(of=("self",)).filter(owner=user)
    for case in cases.select_related("organization"):
        if case.organization_id is None:
            audit_record(actor=user, action=Action.DELETE, case=case, detail="account deleted")
            case_destroy(case=case)
            deleted += 1
            continue
        heir = _organization_heir(case=case, leaving=user)
        if heir is None:
            raise ApplicationError(
                _(
                    "Nobody else administers %(organization)s, which holds your case "
                    "“%(case)s”: delete that case or add an administrator first."
                )
                % {"organization": getattr(case.organization, "name", ""), "case": case.title}
            )
        Case.objects.filter(pk=case.pk).update(owner=heir)
        audit_record(
            actor=user,
            action=Action.SHARE,
            case=case,
            detail=f"owner: {user.email} -> {heir.email} (account deleted)",
        )
        from django.utils import translation

        with translation.override(heir.language or "en"):
            notice_send(
                user=heir,
                title=_("A case was handed to you: %(case)s") % {"case": case.title},
                body=_(
                    "%(email)s deleted their account; as an administrator of %(organization)s "
                    "you are now the owner of this case."
                )
                % {"email": user.email, "organization": getattr(case.organization, "name", "")},
                url=case.get_absolute_url(),
            )
        handed += 1
    exports = list(DataExport.objects.filter(user=user))
    _erase_export_files(exports)
    user.delete()
    return {"handed_over": handed, "deleted": deleted}


def _erase_export_files(exports) -> None:
    names = [(e.file.storage, e.file.name) for e in exports if e.file]

    def erase() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(erase)


# --- data rights: export ---------------------------------------------------------------------

EXPORT_KEEP_DAYS = 7
# The claim's lease: longer than the build task's hard time limit (1,800 s), so a slow, live
# build is never taken over; a build whose worker died is taken again once the lease runs out.
EXPORT_LEASE_SECONDS = 1900
# A build interrupted (or failing on a transient error) this many times is shown as failed; the
# person can ask for a new export.
EXPORT_MAX_ATTEMPTS = 3


@transaction.atomic
def data_export_request(*, user: User):
    """Ask for an export of everything of mine. One export at a time: a pending or running one
    is returned instead of a second."""

    User.objects.select_for_update().filter(pk=user.pk).first()
    running = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
    ).first()
    if running is not None:
        return running
    export = DataExport.objects.create(user=user, enqueued_at=timezone.now())
    work_enqueue_on_commit(kind=DATA_EXPORT, ids=[export.pk])
    return export


def data_export_build(*, export_id: int):
    """Build the zip of one export. The row is claimed with a lease (``dsar.core.work``), so a
    redelivered task does nothing; the zip is built outside any transaction and stored only
    while the claim is still ours; a build whose worker died is taken again by the work sweep
    once its lease has run out."""

    lease = work_claim(kind=DATA_EXPORT, pk=export_id, lease=EXPORT_LEASE_SECONDS)
    if lease is None:  # ready, failed, backing off, or another live worker has it
        return DataExport.objects.get(pk=export_id)
    export = DataExport.objects.select_related("user").get(pk=export_id)
    if export.attempts > EXPORT_MAX_ATTEMPTS:
        message = _("Preparing this export was interrupted %(n)s times.") % {
            "n": EXPORT_MAX_ATTEMPTS
        }
        work_fail(kind=DATA_EXPORT, pk=export_id, lease=lease, error=message)
        return DataExport.objects.get(pk=export_id)
    try:
        with tempfile.TemporaryFile() as handle:
            counts = write_export_zip(user=export.user, handle=handle)
            handle.seek(0)
            content = handle.read()
        # Encrypted at rest like documents: the zip holds every case and document.
        data_key = new_data_key()
        sealed = ContentFile(seal(content, data_key))
        with transaction.atomic():
            mine = work_mine(kind=DATA_EXPORT, pk=export_id, lease=lease)
            if not mine.select_for_update().exists():
                return DataExport.objects.get(pk=export_id)  # another worker took it over
            export.refresh_from_db()
            export.file_key = data_key
            export.file.save(
                f"dsar-export-{export.user_id}-{export.pk}.zip.enc", sealed, save=False
            )
            export.size = len(content)
            export.status = DataExport.Status.READY
            export.lease_until = None
            export.finished_at = timezone.now()
            export.expires_at = export.finished_at + datetime.timedelta(days=EXPORT_KEEP_DAYS)
            export.error = ""
            export.save()
            audit_record(
                actor=export.user,
                action=Action.EXPORT,
                detail=f"export {export.pk}: {counts['cases']} cases, "
                f"{counts['documents']} documents",
            )
    except Exception as exc:  # noqa: BLE001 - recorded on the row and shown to the user
        error = f"{type(exc).__name__}: {exc}"
        if is_transient_database_error(exc) and export.attempts < EXPORT_MAX_ATTEMPTS:
            work_release(
                kind=DATA_EXPORT, pk=export_id, lease=lease, error=error, attempt=export.attempts
            )
        else:
            work_fail(kind=DATA_EXPORT, pk=export_id, lease=lease, error=error)
    return DataExport.objects.get(pk=export_id)


def data_rights_sweep(*, now=None) -> dict:
    """Hourly: apply retention and delete expired exports. Safe to run twice. (Exports whose
    message was lost or whose worker died are taken by the work sweep, ``dsar.core.work``.)"""

    now = now or timezone.now()
    deleted_cases = cases_delete_expired(now=now)
    with transaction.atomic():
        expired = list(
            DataExport.objects.select_for_update(skip_locked=True).filter(expires_at__lt=now)
        )
        _erase_export_files(expired)
        DataExport.objects.filter(pk__in=[e.pk for e in expired]).delete()
    return {"cases_deleted": deleted_cases, "exports_expired": len(expired)}


# --- client consent --------------------------------------------------------------------------


def letter_requires_consent(*, case, inputs: dict) -> bool:
    """The rule for "a letter filed for a client": the case is marked as handled for a client
    (the subject is not the account holder), or the letter names a representative."""
    return bool(case.for_client or (inputs or {}).get("advocate_name"))


def consent_current(*, case, regime, day=None):
    """The most recent consent on file for this case that is valid on ``day`` and covers the
    regime, or None."""

    day = day or timezone.localdate()
    for consent in (
        ClientConsent.objects.filter(case=case, regimes=regime, revoked_at__isnull=True)
        .order_by("-signed_on", "-pk")
        .select_related("document")
    ):
        if consent.is_valid_on(day):
            return consent
    return None


@transaction.atomic
def consent_record(
    *,
    user: User,
    case,
    scope: str,
    regimes,
    signed_on,
    expires_on=None,
    upload=None,
    document=None,
):
    """Record a client's consent, with the signed copy when there is one: a file to upload, or
    a document already on the case. Editors of the case may do it."""

    if not case_can_edit(user=user, case=case):
        raise ApplicationError(_("You can read this case but not change it."))
    scope = (scope or "").strip()
    regimes = list(regimes or [])
    if not scope:
        raise ApplicationError(_("Say what the client authorises."), field="scope")
    if not regimes:
        raise ApplicationError(_("Choose at least one legal regime."), field="regimes")
    if signed_on is None:
        raise ApplicationError(_("Enter the date the consent was signed."), field="signed_on")
    if signed_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="signed_on")
    if expires_on is not None and expires_on < signed_on:
        raise ApplicationError(
            _("The consent cannot expire before it was signed."), field="expires_on"
        )
    if document is not None and upload is not None:
        raise ValueError("Give the signed copy as an upload or as a document, not both.")
    if document is not None and document.case_id != case.pk:
        raise ApplicationError(_("No such document in this case."), field="document")
    if upload is not None:
        document = document_upload(
            user=user, case=case, upload=upload, title=_("Signed client consent")
        )
    consent = ClientConsent.objects.create(
        case=case,
        scope=scope,
        signed_on=signed_on,
        expires_on=expires_on,
        document=document,
        recorded_by=user,
    )
    consent.regimes.set(regimes)
    audit_record(
        actor=user,
        action=Action.CONSENT,
        case=case,
        detail=f"consent {consent.pk}: " + ", ".join(sorted(r.code for r in regimes)),
    )
    return consent


@transaction.atomic
def consent_revoke(*, user: User, consent) -> ClientConsent:
    """Revoke a consent once: the row is re-read under a lock, so of two revocations at the
    same time one succeeds and the other is refused (a conflict with its state)."""

    if not case_can_edit(user=user, case=consent.case):
        raise ApplicationError(_("You can read this case but not change it."))
    locked = ClientConsent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_at is not None:
        raise ConflictError(_("This consent was already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        actor=user, action=Action.CONSENT_REVOKE, case=consent.case, detail=f"consent {consent.pk}"
    )
    return locked
