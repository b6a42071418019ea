from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("all/", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("agenda/", views.agenda, name="agenda"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("<int:pk>/upload/", views.document_upload, name="document_upload"),
    path("<int:pk>/proceedings/new/", views.proceeding_create, name="proceeding_create"),
    path("<int:pk>/sharing/", views.case_sharing, name="case_sharing"),
    path("<int:pk>/delete/", views.case_delete, name="case_delete"),
    path("<int:pk>/audit/", views.case_audit, name="case_audit"),
    path("<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("proceedings/<int:pk>/", views.proceeding_detail, name="proceeding_detail"),
    path("proceedings/<int:pk>/edit/", views.proceeding_edit, name="proceeding_edit"),
    path("proceedings/<int:pk>/events/", views.event_create, name="event_create"),
]
