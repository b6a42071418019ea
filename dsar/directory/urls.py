from django.urls import path

from dsar.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency_detail"),
    path("systems/<slug:code>/", views.system_detail, name="system_detail"),
]
