from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.organizations, name="organizations"),
    path("<int:pk>/", views.organization_detail, name="organization"),
    path("<int:pk>/two-factor/", views.organization_mfa, name="organization_mfa"),
    path("members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("members/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
