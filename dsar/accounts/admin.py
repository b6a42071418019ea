from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from dsar.core.admin import ViewOnlyAdminMixin

from .models import ApiToken, Membership, Organization, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "language", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(ViewOnlyAdminMixin, admin.TabularInline):
    """Members join by invitation and are removed or given another role on the organization's
    page, where case owners are told and the audit trail records it."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """The name can be corrected here; an organization is created in the product, by the
    person who becomes its first administrator."""

    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    search_fields = ["name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner (page or command); the admin can only look and revoke."""

    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used_at"]
    list_filter = ["read_only"]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "read_only",
        "expires_at",
        "created_at",
        "last_used_at",
    ]
    exclude = ["key_hash"]

    def has_add_permission(self, request) -> bool:
        return False
