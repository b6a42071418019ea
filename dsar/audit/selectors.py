"""Reads of the audit log: a case's trail is shown to its owner and to the administrators of
the organization that holds it; "my account" shows what I did and what was done to my cases."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from dsar.cases.selectors import case_can_manage, case_get, visible_cases

from .models import AuditEntry


def audit_for_case(*, user, case_id: int) -> tuple:
    case = case_get(user=user, case_id=case_id)
    if not case_can_manage(user=user, case=case):
        raise PermissionDenied
    entries = AuditEntry.objects.filter(case_id=case.pk).order_by("-created_at", "-pk")
    return case, entries


def audit_for_account(*, user) -> QuerySet[AuditEntry]:
    """``case_visible`` says whether the user may still see the entry's case: what they did to a
    case that has since been unshared from them stays in their log, named by number only."""
    return (
        AuditEntry.objects.filter(Q(actor_id=user.pk) | Q(case__owner=user))
        .annotate(case_visible=Exists(visible_cases(user).filter(pk=OuterRef("case_id"))))
        .select_related("case")
        .order_by("-created_at", "-pk")
    )
