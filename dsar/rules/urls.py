from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("recompute/", views.recompute_runs, name="recompute_runs"),
]
