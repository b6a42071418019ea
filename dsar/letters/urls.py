from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("letters/proceeding/<int:pk>/", views.proceeding_letters, name="proceeding_letters"),
    path(
        "letters/proceeding/<int:pk>/<slug:code>/<str:language>/",
        views.letter_prepare,
        name="letter_prepare",
    ),
    path("letters/request/<int:pk>/", views.letter_request_detail, name="letter_request"),
    path(
        "letters/request/<int:pk>/status/",
        views.letter_request_status,
        name="letter_request_status",
    ),
    path(
        "letters/request/<int:pk>/retry/",
        views.letter_request_retry,
        name="letter_request_retry",
    ),
    path("letters/case/<int:pk>/report/", views.case_report, name="case_report"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
