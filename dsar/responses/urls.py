from django.urls import path

from . import views

app_name = "responses"

urlpatterns = [
    path("proceedings/<int:pk>/read-letter/", views.reading_start, name="reading_start"),
    path("letters-read/<int:pk>/", views.reading_detail, name="reading"),
    path("letters-read/<int:pk>/status/", views.reading_status, name="reading_status"),
    path("letters-read/<int:pk>/confirm/", views.reading_confirm, name="reading_confirm"),
    path("letters-read/<int:pk>/dismiss/", views.reading_dismiss, name="reading_dismiss"),
    path("letters-read/<int:pk>/retry/", views.reading_retry, name="reading_retry"),
]
