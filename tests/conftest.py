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
def empty_cache():
    """Rate-limit counts and used two-factor codes live in the cache (local memory in tests):
    each test starts without another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def english_by_default():
    """Requests in Spanish leave Spanish active in the thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


TOTP_TEST_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def sign_in_with_second_factor(client, user) -> None:
    """Give ``user`` an authenticator app and sign ``client`` in as if the code had been typed:
    the session records a second factor, as allauth's login does."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_TEST_SECRET)
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def admin_client(client, admin_user):
    """Django's admin client, signed in with a second factor as the admin requires of staff."""
    sign_in_with_second_factor(client, admin_user)
    return client


def emailed_code(message) -> str:
    """The verification code allauth e-mails (``ABCD-EFGH``)."""
    import re

    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)


def totp_code(
    secret: str = TOTP_TEST_SECRET, *, at: float | None = None, steps_ahead: int = 0
) -> str:
    """An authenticator-app code for ``secret``, computed with allauth's own helper.

    Without ``at``, the code of the current 30-second step, waiting first if that step has
    less than five seconds left, so the code is still current when the server checks it
    (allauth accepts only the current step). ``steps_ahead`` gives a later step's code.
    """
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if at is None:
        left = 30 - time.time() % 30
        if left < 5:
            time.sleep(left + 0.05)
        at = time.time()
    return format_hotp_value(hotp_value(secret, int(at) // 30 + steps_ahead))


def verified_user(email: str, **fields):
    """A user whose address is verified, as sign-in requires."""
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(email=email, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in_with_password(client, user, password: str = "correct horse battery") -> None:
    """Sign in through allauth's form, then confirm the password again, as allauth asks before
    changing security settings such as the second factor."""
    from django.urls import reverse

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
