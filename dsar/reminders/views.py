from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .calendar import calendar_feed_get
from .forms import PreferenceForm
from .selectors import (
    calendar_user_by_token,
    notification_list,
    notification_unread_count,
    preference_get,
)
from .services import (
    calendar_token_issue,
    calendar_token_revoke,
    email_unsubscribe,
    notification_mark_read,
    preference_update,
    unsubscribe_token_user_id,
    unsubscribe_tokens_revoke,
)
from .texts import notification_texts


@login_required
def notification_list_view(request):
    page = Paginator(notification_list(user=request.user), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    items = []
    for notification in page.object_list:
        title, body = notification_texts(notification, today)
        items.append({"n": notification, "title": title, "body": body})
    return render(
        request,
        "reminders/notification_list.html",
        {"page": page, "items": items, "unread": notification_unread_count(user=request.user)},
    )


@login_required
@require_POST
def notification_read_view(request):
    raw = request.POST.get("notification")
    notification_id = int(raw) if raw and raw.isdigit() else None
    notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("reminders:notifications")


def _initial(pref) -> dict:
    return {
        "email_enabled": pref.email_enabled,
        "in_app_enabled": pref.in_app_enabled,
        "offsets": pref.offsets,
        "digest": pref.digest,
    }


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
        form = PreferenceForm(initial=_initial(pref))
    return _preferences_page(request, form=form, pref=pref)


def _preferences_page(request, *, form, pref, new_calendar_token: str | None = None):
    feed_url = None
    if new_calendar_token:
        feed_url = settings.SITE_URL + reverse("reminders:calendar_feed", args=[new_calendar_token])
    return render(
        request, "reminders/preferences.html", {"form": form, "pref": pref, "feed_url": feed_url}
    )


@login_required
@require_POST
def calendar_reset_view(request):
    """Make a new calendar address and show it, on this response only: it is stored hashed."""
    token = calendar_token_issue(user=request.user)
    pref = preference_get(user=request.user)
    form = PreferenceForm(initial=_initial(pref))
    messages.success(
        request,
        _(
            "Your new calendar address is below. Copy it now: it is not shown again. "
            "Any previous address no longer works."
        ),
    )
    return _preferences_page(request, form=form, pref=pref, new_calendar_token=token)


@login_required
@require_POST
def calendar_revoke_view(request):
    calendar_token_revoke(user=request.user)
    messages.success(request, _("Your calendar feed was turned off; its address no longer works."))
    return redirect("reminders:preferences")


@login_required
@require_POST
def unsubscribe_links_revoke_view(request):
    unsubscribe_tokens_revoke(user=request.user)
    messages.success(
        request, _("The unsubscribe links in the e-mails you were already sent no longer work.")
    )
    return redirect("reminders:preferences")


def calendar_feed_view(request, token: str):
    user = calendar_user_by_token(token=token)
    if user is None:
        raise Http404("No such calendar")
    feed = calendar_feed_get(user=user, if_none_match=request.headers.get("If-None-Match", ""))
    if feed.body is None:
        response = HttpResponseNotModified()
    else:
        response = get_conditional_response(
            request, etag=feed.etag, last_modified=int(feed.last_modified.timestamp())
        ) or HttpResponse(feed.body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="dsar-deadlines.ics"'
    response["ETag"] = feed.etag
    response["Last-Modified"] = http_date(feed.last_modified.timestamp())
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
