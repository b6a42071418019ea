from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .calendar import calendar_feed_render
from .forms import PreferenceForm
from .models import ReminderPreference
from .selectors import notification_list, notification_unread_count, preference_get
from .services import (
    calendar_token_reset,
    email_unsubscribe,
    notification_mark_read,
    preference_update,
    unsubscribe_token_user_id,
)


@login_required
def notification_list_view(request):
    page = Paginator(notification_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/notification_list.html",
        {"page": page, "unread": notification_unread_count(user=request.user)},
    )


@login_required
@require_POST
def notification_read_view(request):
    raw = request.POST.get("notification")
    notification_id = int(raw) if raw and raw.isdigit() else None
    notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("reminders:notifications")


@login_required
def preferences_view(request):
    pref = preference_get(user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your reminder settings were saved."))
            return redirect("reminders:preferences")
    else:
        form = PreferenceForm(
            initial={
                "email_enabled": pref.email_enabled,
                "in_app_enabled": pref.in_app_enabled,
                "offsets": pref.offsets,
                "digest": pref.digest,
            }
        )
    feed_url = settings.SITE_URL + reverse("reminders:calendar_feed", args=[pref.calendar_token])
    return render(
        request, "reminders/preferences.html", {"form": form, "pref": pref, "feed_url": feed_url}
    )


@login_required
@require_POST
def calendar_reset_view(request):
    calendar_token_reset(user=request.user)
    messages.success(
        request, _("Your calendar address was changed; the old address no longer works.")
    )
    return redirect("reminders:preferences")


def calendar_feed_view(request, token: str):
    pref = (
        ReminderPreference.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if pref is None:
        raise Http404("No such calendar")
    response = HttpResponse(
        calendar_feed_render(user=pref.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="dsar-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session or CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token: str):
    user_id = unsubscribe_token_user_id(token=token)
    if user_id is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        email_unsubscribe(user_id=user_id)
        return render(request, "reminders/unsubscribe_done.html")
    return render(request, "reminders/unsubscribe_confirm.html", {"token": token})
