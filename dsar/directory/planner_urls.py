from django.urls import path

from dsar.directory import planner_views

app_name = "planner"

urlpatterns = [
    path("", planner_views.plan_form, name="plan"),
    path("result/", planner_views.plan_result, name="result"),
    path("save/", planner_views.plan_save, name="save"),
]
