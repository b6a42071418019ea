"""API routes. Adding a resource is one ``router.register`` line."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("cases", views.CaseViewSet, basename="case")
router.register("proceedings", views.ProceedingViewSet, basename="proceeding")
router.register("clocks", views.ClockViewSet, basename="clock")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("letters", views.LetterRequestViewSet, basename="letter")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("consents", views.ConsentViewSet, basename="consent")
router.register("audit", views.AuditViewSet, basename="audit")
router.register("directory/regimes", views.RegimeViewSet, basename="regime")
router.register("directory/agencies", views.AgencyViewSet, basename="agency")
router.register("directory/record-systems", views.RecordSystemViewSet, basename="record-system")

urlpatterns = [
    path("planner/", views.PlannerView.as_view(), name="planner"),
    path("deadlines/calculate/", views.CalculatorView.as_view(), name="calculator"),
    path("deadlines/rules/", views.RuleListView.as_view(), name="rules"),
    *router.urls,
]
