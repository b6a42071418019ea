from django.contrib import admin
from django.db import models

from dsar.directory.models import (
    Agency,
    AppealRoute,
    Channel,
    IdentityRequirement,
    RecordSystem,
    Regime,
)

FACT_FIELDS = ("source", "verified_on", "status")


@admin.register(Regime)
class RegimeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country", "citation", "status", "verified_on")
    list_filter = ("status", "country")
    search_fields = ("code", "name", "name_es", "citation", "description")
    ordering = ("position", "code")


class ChannelInline(admin.StackedInline):
    model = Channel
    extra = 0
    fields = ("code", "kind", "purpose", "label", "value", "note", "position", *FACT_FIELDS)


class IdentityRequirementInline(admin.StackedInline):
    model = IdentityRequirement
    extra = 0
    fields = ("code", "description", "citation", "position", *FACT_FIELDS)


class AppealRouteInline(admin.StackedInline):
    model = AppealRoute
    fk_name = "agency"
    extra = 0
    fields = (
        "code",
        "regime",
        "to_agency",
        "channel",
        "description",
        "citation",
        "position",
        *FACT_FIELDS,
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "abbreviation", "parent", "country", "status", "verified_on")
    list_filter = ("status", "country", "regimes")
    search_fields = ("code", "name", "name_es", "abbreviation", "description")
    list_select_related = ("parent",)
    filter_horizontal = ("regimes",)
    autocomplete_fields = ("parent",)
    inlines = [ChannelInline, IdentityRequirementInline, AppealRouteInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("code", "agency", "kind", "purpose", "status", "verified_on")
    list_filter = ("status", "kind", "purpose", "agency__country")
    search_fields = ("code", "label", "value", "agency__name", "agency__code")
    list_select_related = ("agency",)


@admin.register(RecordSystem)
class RecordSystemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "agency", "status", "verified_on")
    list_filter = ("status", "agency__country", "agency")
    search_fields = ("code", "name", "name_es", "abbreviation", "biometrics", "sorn")
    list_select_related = ("agency",)
    filter_horizontal = ("channels",)


@admin.register(IdentityRequirement)
class IdentityRequirementAdmin(admin.ModelAdmin):
    list_display = ("code", "agency", "citation", "status", "verified_on")
    list_filter = ("status", "agency__country")
    search_fields = ("code", "description", "citation", "agency__name")


@admin.register(AppealRoute)
class AppealRouteAdmin(admin.ModelAdmin):
    list_display = ("code", "agency", "regime", "to_agency", "status", "verified_on")
    list_filter = ("status", "agency__country", "regime")
    search_fields = ("code", "description", "citation", "agency__name")
