from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ClosureDay, RecomputeRun, RuleSetting
from .services import recompute_run_start


class RecomputeOnChange(admin.ModelAdmin):
    """Saving or deleting a closure or rule setting recomputes every open clock."""

    def _recompute(self, request, reason: str) -> None:
        run = recompute_run_start(reason=reason)
        self.message_user(
            request,
            _(
                "The recomputation of the clocks of %(n)s open proceedings is queued; progress "
                "under Recompute runs, and Background work lists anything waiting or failed."
            )
            % {"n": run.total},
            messages.INFO,
        )

    def save_model(self, request, obj, form, change):
        if isinstance(obj, RuleSetting):
            obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        self._recompute(request, f"{obj._meta.verbose_name} saved: {obj}")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, f"{obj._meta.verbose_name} deleted: {obj}")

    def delete_queryset(self, request, queryset):
        label = f"{queryset.model._meta.verbose_name_plural} deleted: {queryset.count()}"
        super().delete_queryset(request, queryset)
        self._recompute(request, label)


@admin.register(ClosureDay)
class ClosureDayAdmin(RecomputeOnChange):
    list_display = ["date", "country", "subdivision", "reason", "status"]
    list_filter = ["country", "status"]
    search_fields = ["reason"]


@admin.register(RuleSetting)
class RuleSettingAdmin(RecomputeOnChange):
    list_display = [
        "code",
        "count",
        "unit",
        "extension",
        "pause_stops_clock",
        "reason",
        "changed_by",
        "updated_at",
    ]
    readonly_fields = ["changed_by"]


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "status", "done", "total", "progress", "finished_at"]
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.percent}%"

    def has_add_permission(self, request):
        return False
