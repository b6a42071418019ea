"""Reads of letter readings, always through the cases the user can see."""

from django.http import Http404

from dsar.cases.selectors import case_can_edit, visible_proceedings

from .models import ResponseReading


def reading_get(*, user, reading_id: int) -> ResponseReading:
    reading = (
        ResponseReading.objects.filter(proceeding__in=visible_proceedings(user))
        .select_related(
            "proceeding", "proceeding__case", "proceeding__agency", "proceeding__regime", "document"
        )
        .filter(pk=reading_id)
        .first()
    )
    if reading is None:
        raise Http404("No such reading")
    return reading


def reading_can_edit(*, user, reading: ResponseReading) -> bool:
    return case_can_edit(user=user, case=reading.proceeding.case)


def proceeding_readings(*, proceeding) -> list[ResponseReading]:
    return list(
        ResponseReading.objects.filter(proceeding=proceeding)
        .exclude(status__in=[ResponseReading.Status.CONFIRMED, ResponseReading.Status.DISMISSED])
        .select_related("document")
    )
