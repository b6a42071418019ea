from django.contrib import admin
from django.urls import include, path

from dsar.accounts import views as account_views
from dsar.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("organizations/", include("dsar.accounts.urls")),
    path("cases/", include("dsar.cases.urls")),
    path("api/v1/", include("dsar.api.urls")),
    path("deadlines/", include("dsar.rules.urls")),
    path("directory/", include("dsar.directory.urls")),
    path("plan/", include("dsar.directory.planner_urls")),
    path("", include("dsar.letters.urls")),
    path("", include("dsar.reminders.urls")),
]
