from django.contrib import admin

from .models import ResponseReading


@admin.register(ResponseReading)
class ResponseReadingAdmin(admin.ModelAdmin):
    """Operators see the state of each reading, never the letter's text."""

    list_display = [
        "pk",
        "status",
        "error_code",
        "attempts",
        "pages",
        "ocr",
        "seconds",
        "created_at",
    ]
    list_filter = ["status", "error_code", "ocr"]
    fields = [
        "proceeding",
        "document",
        "status",
        "attempts",
        "enqueued_at",
        "lease_until",
        "not_before",
        "error_code",
        "error",
        "pages",
        "ocr",
        "seconds",
        "event",
        "created_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
