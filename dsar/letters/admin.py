from django.contrib import admin

from dsar.core.admin import RedactedHistoryMixin

from .models import Document, LetterRequest


@admin.register(Document)
class DocumentAdmin(RedactedHistoryMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "case", "proceeding", "language", "size", "created_at")
    list_filter = ("kind", "language")
    search_fields = ("sha256",)  # titles and names are encrypted
    raw_id_fields = ("case", "proceeding", "event", "created_by")
    readonly_fields = ("sha256", "size", "content_type", "inputs_hash", "template_version")
    exclude = ("file",)  # the file on disk is encrypted: download it from the case page


@admin.register(LetterRequest)
class LetterRequestAdmin(admin.ModelAdmin):
    list_display = ("code", "language", "status", "case", "proceeding", "attempts", "created_at")
    list_filter = ("status", "code", "language")
    raw_id_fields = ("case", "proceeding", "document", "created_by")
    readonly_fields = ("inputs_hash", "render_seconds", "error")
