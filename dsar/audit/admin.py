from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, administrators may only read it."""

    list_display = ["created_at", "actor_email", "action", "case_id", "document_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_email", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
