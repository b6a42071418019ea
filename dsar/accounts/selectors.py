from allauth.mfa.models import Authenticator
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404

from .models import ApiToken, Membership, Organization


def organization_list(*, user) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).order_by("name")


def organization_get(*, user, organization_id: int) -> Organization:
    organization = organization_list(user=user).filter(pk=organization_id).first()
    if organization is None:
        raise Http404("No such organization")
    return organization


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("user__email")


def membership_get(*, user, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(organization__memberships__user=user, pk=membership_id)
        .select_related("organization", "user")
        .first()
    )
    if membership is None:
        raise Http404("No such membership")
    return membership


def organization_requiring_mfa_of(*, user) -> str | None:
    """The name of an organization of ``user`` that requires a second factor the user has not
    set up, or None. One query: it runs on every signed-in request."""
    second_factors = Authenticator.objects.filter(
        user_id=OuterRef("user_id"),
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
    )
    return (
        Membership.objects.filter(user_id=user.pk, organization__require_mfa=True)
        .exclude(Exists(second_factors))
        .values_list("organization__name", flat=True)
        .order_by("organization__name")
        .first()
    )


def user_has_second_factor(*, user) -> bool:
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_used_second_factor(*, request) -> bool:
    """Whether this session's sign-in (or a later re-authentication) included a second factor."""
    from allauth.account.authentication import get_authentication_records

    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )


def invitations_for(*, user):
    """Pending invitations sent to my e-mail address."""
    from django.utils import timezone

    from .models import Invitation

    return (
        Invitation.objects.filter(
            email__iexact=user.email,
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("organization", "invited_by")
        .order_by("-created_at")
    )


def invitation_for_me(*, user, invitation_id: int):
    invitation = invitations_for(user=user).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def invitation_by_token(*, user, token: str):
    from .models import token_digest

    invitation = invitations_for(user=user).filter(token_hash=token_digest(token)).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def organization_invitations(*, organization: Organization):
    from .models import Invitation

    return organization.invitations.filter(status=Invitation.Status.PENDING).order_by("-created_at")


def invitation_get_for_admin(*, user, invitation_id: int):
    from .models import Invitation

    invitation = (
        Invitation.objects.filter(
            pk=invitation_id,
            organization__memberships__user=user,
            organization__memberships__role=Membership.Role.ADMIN,
        )
        .select_related("organization")
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def data_exports(*, user):
    from .models import DataExport

    return DataExport.objects.filter(user=user).order_by("-created_at")[:10]


def data_export_get_ready(*, user, export_id: int):
    from .models import DataExport

    export = DataExport.objects.filter(
        user=user, pk=export_id, status=DataExport.Status.READY
    ).first()
    if export is None or not export.file:
        raise Http404("No such export")
    return export
