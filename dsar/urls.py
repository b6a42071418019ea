from django.contrib import admin
from django.urls import include, path

from dsar.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("cases/", include("dsar.cases.urls")),
    path("api/v1/", include("dsar.api.urls")),
]
