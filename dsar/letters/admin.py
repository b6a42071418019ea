from django.contrib import admin

from .models import Document, LetterRequest


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "case", "proceeding", "language", "size", "created_at")
    list_filter = ("kind", "language")
    search_fields = ("title", "sha256", "original_name")
    raw_id_fields = ("case", "proceeding", "event", "created_by")
    readonly_fields = ("sha256", "size", "inputs_hash", "template_version")


@admin.register(LetterRequest)
class LetterRequestAdmin(admin.ModelAdmin):
    list_display = ("code", "language", "status", "case", "proceeding", "attempts", "created_at")
    list_filter = ("status", "code", "language")
    raw_id_fields = ("case", "proceeding", "document", "created_by")
    readonly_fields = ("inputs_hash", "render_seconds", "error")
