from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/read/", views.notification_read_view, name="notifications_read"),
    path("settings/reminders/", views.preferences_view, name="preferences"),
    path(
        "settings/reminders/calendar/reset/",
        views.calendar_reset_view,
        name="calendar_reset",
    ),
    path(
        "settings/reminders/calendar/revoke/",
        views.calendar_revoke_view,
        name="calendar_revoke",
    ),
    path(
        "settings/reminders/unsubscribe-links/revoke/",
        views.unsubscribe_links_revoke_view,
        name="unsubscribe_links_revoke",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
