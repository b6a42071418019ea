from django.contrib import admin

from .models import Notification, Reminder, ReminderPreference


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "recipient",
        "clock",
        "kind",
        "offset_days",
        "due_date",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient__email", "last_error")
    raw_id_fields = ("recipient", "clock")
    readonly_fields = ("created_at", "enqueued_at", "lease_until", "sent_at", "last_error")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "level", "title", "is_read", "created_at")
    list_filter = ("level", "is_read")
    raw_id_fields = ("user", "reminder")


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_enabled", "in_app_enabled", "offsets", "digest")
    raw_id_fields = ("user",)
    exclude = ("calendar_token_hash",)
