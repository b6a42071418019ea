from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.organizations, name="organizations"),
    path("<int:pk>/", views.organization_detail, name="organization"),
    path("members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
]
