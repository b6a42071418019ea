import pytest
from rest_framework.test import APIClient

from dsar.accounts import services as account_services


@pytest.fixture
def token(user):
    _row, secret = account_services.api_token_create(user=user, name="tests")
    return secret


@pytest.fixture
def api(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def other_api(other_user):
    _row, secret = account_services.api_token_create(user=other_user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
