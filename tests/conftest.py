import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(name: str, ok: bool, detail: str = "") -> None:
    """Skip a test that needs ``name`` when it is missing — except in CI, where it must fail."""
    if ok:
        return
    message = f"{name} is not available{': ' + detail if detail else ''}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: nothing may skip)")
    pytest.skip(message)


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def english_by_default():
    """Requests in Spanish leave Spanish active in the thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
