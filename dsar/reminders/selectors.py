"""Reads for reminders, scoped to the requesting user."""

from datetime import datetime

from django.db.models import Count, Max, QuerySet

from dsar.cases.models import Clock, Proceeding
from dsar.cases.selectors import visibility_branches, visibility_scopes, visible_proceedings
from dsar.core.tokens import token_digest
from dsar.deadlines import procedure

from .models import Notification, ReminderPreference

# The clocks that need attention (one definition, in the procedure module).
OPEN_CLOCK_STATES = procedure.ATTENTION_STATES


def preference_get(*, user) -> ReminderPreference:
    pref, _created = ReminderPreference.objects.get_or_create(user=user)
    return pref


def notification_list(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user)
        .select_related(
            "reminder__clock__proceeding__case",
            "reminder__clock__proceeding__regime",
            "reminder__clock__proceeding__agency",
        )
        .order_by("-created_at")
    )


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, is_read=False).count()


def calendar_clocks(*, user) -> QuerySet[Clock]:
    """Every open clock on a listed proceeding the user can see."""
    return (
        Clock.objects.filter(
            proceeding__in=visible_proceedings(user).filter(listed=True),
            state__in=OPEN_CLOCK_STATES,
        )
        .select_related("proceeding", "proceeding__case", "proceeding__agency")
        .order_by("due_date", "pk")
    )


def calendar_user_by_token(*, token: str):
    """The active user whose calendar feed address carries ``token``, or None."""
    pref = (
        ReminderPreference.objects.select_related("user")
        .filter(calendar_token_hash=token_digest(token), user__is_active=True)
        .first()
    )
    return pref.user if pref else None


PROCEEDING_FIELDS = (
    "pk",
    "title",
    "request_type",
    "regime__name",
    "agency__name",
    "agency__abbreviation",
    "case__subject_name",
    "case__title",
)
CLOCK_FIELDS = ("pk", "label", "due_date", "computed_at", "citation", "rule_status")


def calendar_clock_rows(*, user) -> list[dict]:
    """The feed's clocks as plain rows, earliest due first, each with its proceeding's
    ``proceeding__*`` fields. One query per visibility branch reads the listed proceedings
    through its index range; one more reads their open clocks by proceeding id."""
    proceedings: dict[int, dict] = {}
    for scope in visibility_scopes(user):
        for row in Proceeding.objects.filter(scope, listed=True).values(*PROCEEDING_FIELDS):
            proceedings[row["pk"]] = row
    if not proceedings:
        return []
    rows = []
    for clock in Clock.objects.filter(
        proceeding_id__in=list(proceedings), state__in=OPEN_CLOCK_STATES
    ).values(*CLOCK_FIELDS, "proceeding_id"):
        proceeding = proceedings[clock["proceeding_id"]]
        for name in PROCEEDING_FIELDS[1:]:
            clock[f"proceeding__{name}"] = proceeding[name]
        rows.append(clock)
    rows.sort(key=lambda row: (row["due_date"], row["pk"]))
    return rows


def calendar_version(*, user) -> tuple[int, datetime | None]:
    """How many listed proceedings the user sees and when the last of them (or its clocks)
    changed: a proceeding entering or leaving the set, or any of its clocks being rewritten,
    changes this pair. One aggregate query per visibility branch, over an index."""
    count, latest = 0, None
    for branch in visibility_branches(user, Proceeding):
        result = branch.filter(listed=True).aggregate(
            n=Count("pk"),
            updated=Max("updated_at"),
            computed=Max("clocks_computed_at"),
        )
        count += result["n"]
        for value in (result["updated"], result["computed"]):
            if value is not None and (latest is None or value > latest):
                latest = value
    return count, latest
