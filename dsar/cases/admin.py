from django.contrib import admin

from dsar.core.admin import RedactedHistoryMixin, ViewOnlyAdminMixin

from .models import Case, Clock, Event, Proceeding


class ProceedingInline(admin.TabularInline):
    model = Proceeding
    extra = 0
    fields = ["regime", "request_type", "agency", "status", "next_due_on"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(Case)
class CaseAdmin(ViewOnlyAdminMixin, RedactedHistoryMixin, admin.ModelAdmin):
    """View only: a case changes through the product (search index, sharing, audit trail)."""

    list_display = ["title", "owner", "organization", "status", "updated_at"]
    list_filter = ["status"]
    # Titles and names are encrypted: the admin searches by owner only.
    search_fields = ["owner__email"]
    # Identity data stays out of the admin's change form: it is the owner's to see.
    exclude = [
        "subject_date_of_birth",
        "subject_a_number",
        "subject_passport_number",
        "subject_address",
        "subject_email",
        "subject_place_of_birth",
    ]
    raw_id_fields = ["owner", "organization", "decision_system"]
    inlines = [ProceedingInline]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["kind", "occurred_on", "outcome", "tracking_number", "status_after"]
    readonly_fields = fields
    can_delete = False


class ClockInline(admin.TabularInline):
    model = Clock
    extra = 0
    fields = ["code", "due_date", "state", "rule_status", "computed_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Proceeding)
class ProceedingAdmin(ViewOnlyAdminMixin, RedactedHistoryMixin, admin.ModelAdmin):
    """View only: events go through the state machine; clocks are computed from them."""

    list_display = ["__str__", "case", "status", "next_due_on", "is_open"]
    list_filter = ["status", "regime", "is_open"]
    raw_id_fields = ["case", "parent", "record_system"]
    readonly_fields = ["status", "outcome", "appeal_outcome", "next_due_on", "next_clock"]
    inlines = [EventInline, ClockInline]
