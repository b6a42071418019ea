from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/proceedings/", views.proceeding_create, name="proceeding_create"),
    path("proceedings/<int:pk>/", views.proceeding_detail, name="proceeding_detail"),
    path("proceedings/<int:pk>/events/", views.event_create, name="event_create"),
]
