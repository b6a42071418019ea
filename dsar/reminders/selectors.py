"""Reads for reminders, scoped to the requesting user."""

from django.db.models import QuerySet

from dsar.cases.models import Clock
from dsar.cases.selectors import visible_proceedings

from .models import Notification, ReminderPreference

OPEN_CLOCK_STATES = (Clock.State.RUNNING, Clock.State.PAUSED, Clock.State.MISSED)


def preference_get(*, user) -> ReminderPreference:
    pref, _created = ReminderPreference.objects.get_or_create(user=user)
    return pref


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at")


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, is_read=False).count()


def calendar_clocks(*, user) -> QuerySet[Clock]:
    """Every open clock on a proceeding the user can see."""
    return (
        Clock.objects.filter(
            proceeding__in=visible_proceedings(user).filter(is_open=True),
            state__in=OPEN_CLOCK_STATES,
        )
        .select_related("proceeding", "proceeding__case", "proceeding__agency")
        .order_by("due_date", "pk")
    )
