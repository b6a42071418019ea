from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dsar.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class AdminConfig(admin_apps.AdminConfig):
    """The admin site whose login is allauth's and which requires a second factor of staff."""

    default = False

    default_site = "dsar.accounts.admin_site.AdminSite"
