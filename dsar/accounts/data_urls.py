from django.urls import path

from . import views

app_name = "data"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("export/", views.export_request, name="export_request"),
    path("export/status/", views.export_status, name="export_status"),
    path("export/<int:pk>/download/", views.export_download, name="export_download"),
    path("audit/", views.my_audit, name="my_audit"),
    path("delete-account/", views.account_delete, name="account_delete"),
]
