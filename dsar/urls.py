from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dsar.accounts import views as account_views
from dsar.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "favicon.ico",
        # Resolved per request: the production manifest may not exist yet when URLs load
        # (``manage.py check`` before ``collectstatic``).
        RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True),
        name="favicon",
    ),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    # Part of the administration: staff signed in with a second factor, as the admin requires.
    path("admin/work/", admin.site.admin_view(core_views.work_status), name="work_status"),
    path("admin/", admin.site.urls),
    path("organizations/", include("dsar.accounts.urls")),
    path("account/api-tokens/", include("dsar.accounts.token_urls")),
    path("my-data/", include("dsar.accounts.data_urls")),
    path("cases/", include("dsar.cases.urls")),
    path("cases/", include("dsar.responses.urls")),
    path("api/v1/", include("dsar.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("deadlines/", include("dsar.rules.urls")),
    path("directory/", include("dsar.directory.urls")),
    path("plan/", include("dsar.directory.planner_urls")),
    path("", include("dsar.letters.urls")),
    path("", include("dsar.reminders.urls")),
]

handler404 = "dsar.api.views.not_found"
