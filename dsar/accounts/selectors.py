from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, Organization


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
