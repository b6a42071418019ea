import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_switching_language_is_remembered_for_the_user(client_logged_in, user):
    response = client_logged_in.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    page = client_logged_in.get(reverse("cases:dashboard"))
    assert '<html lang="es">' in page.content.decode()


def test_unknown_language_changes_nothing(client_logged_in, user):
    client_logged_in.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_anonymous_visitors_can_switch_language(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="es">' in client.get("/").content.decode()
