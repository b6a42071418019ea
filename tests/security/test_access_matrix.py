"""Every URL pattern of the project, requested by everyone who should not see user A's case.

The URLs come from the resolver, so a new URL is covered as soon as it exists: its path
parameters are filled with the ids of A's case, proceeding, document… (chosen by the path
segment before the parameter; an unknown segment fails the test until it is added to
``OBJECT_BEFORE``). Public URLs are listed in ``PUBLIC``.

Expected, for every URL and for GET and POST:
- nobody gets a server error, and nobody but A's colleagues ever sees A's case data;
- anonymous visitors are sent to a login page or refused (401/403/404/405);
- other users and other organizations' members are refused (403/404/405) on every URL that
  names one of A's objects (pages of their own, such as their dashboard, show none of A's data);
- a viewer of A's organization reads (GET is never 404) and changes nothing (every POST is
  refused or leaves A's data as it was);
- an advocate of A's organization reads everything (GET is never 404).
"""

import datetime
import hashlib
import re
import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from dsar.accounts import services as account_services
from dsar.accounts.models import ApiToken, ClientConsent, DataExport, Invitation, Membership
from dsar.cases import services as case_services
from dsar.cases.models import Case, Clock, Event
from dsar.letters.models import Document, LetterRequest
from dsar.reminders.models import Notification
from dsar.responses.models import ResponseReading
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganizationFactory,
    ProceedingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# URL names anyone may open without an account.
PUBLIC = {
    "home",
    "healthz",
    "set_language",
    "rules:calculator",
    "directory:index",
    "directory:agency_detail",
    "directory:system_detail",
    "planner:plan",
    "planner:result",
    "planner:save",
    "admin:login",
    "admin:logout",
    "favicon",
    # the API's public reference data, planner and calculator (AllowAny)
    "api-docs",
    "api-schema",
    "api:calculator",
    "api:rules",
    "api:planner",
    "api:agency-list",
    "api:agency-detail",
    "api:record-system-list",
    "api:record-system-detail",
    "api:regime-list",
    "api:regime-detail",
}
# allauth's own pages (login, sign-up, password reset…) are public by nature.
PUBLIC_PREFIXES = ("account_",)

SECRET = {
    "title": "Zyxwv matter of Quetzalli",
    "subject_name": "Quetzalli Tlanextli-Ixchel",
    "passport": "PX99887766",
    "a_number": "A098765432",
    "notes": "Vorpal secret note",
    "proceeding": "Frumious proceeding",
    "event": "Bandersnatch event note",
    "document": "Jabberwock passport scan",
    "scope": "Tumtum consent scope",
}

# The path segment before an <int:pk> says which of A's objects the URL is about.
OBJECT_BEFORE = {
    "cases/": "case",
    "letters/case/": "case",
    "api/v1/cases/": "case",
    "proceedings/": "proceeding",
    "letters/proceeding/": "proceeding",
    "documents/": "document",
    "consents/": "consent",
    "letters/request/": "letter_request",
    "organizations/": "organization",
    "members/": "membership",
    "invitations/": "invitation",
    "export/": "export",
    "api-tokens/": "api_token",
    "webauthn/keys/": "security_key",
    "clients/": "case",
    "letters-read/": "reading",
    "api/v1/clocks/": "clock",
    "api/v1/letters/": "letter_request",
    "api/v1/notifications/": "notification",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name or ""


ALL_PATTERNS = sorted(set(_walk(get_resolver().url_patterns)))


def _is_public(name: str) -> bool:
    return name in PUBLIC or name.startswith(PUBLIC_PREFIXES)


def _object_for(route: str, start: int, objects: dict) -> str:
    before = route[:start]
    for segment, key in sorted(OBJECT_BEFORE.items(), key=lambda kv: -len(kv[0])):
        if before.endswith(segment):
            return str(objects[key].pk)
    raise AssertionError(
        f"Which object does {route!r} name? Add its path segment to OBJECT_BEFORE."
    )


def _fill(route: str, objects: dict) -> str:
    """The concrete path for a route, parameters filled with A's objects."""
    if route.startswith("admin/"):
        route = route.replace("<path:content_type_id>", "1").replace("<id>", "1")
        return "/" + re.sub(r"<path:object_id>", str(objects["case"].pk), route)
    if "(?P<" in route:  # allauth's regular expressions: keys nobody holds
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "x0-nokey", route).replace("^", "").replace("$", "")
        return "/" + route.replace("\\", "")

    def value(match: re.Match) -> str:
        _converter, param = match.group(1) or "str", match.group(2)
        if param == "pk":
            return _object_for(route, match.start(), objects)
        if param == "token":
            return "not-a-token-anyone-holds"
        if param == "code":
            return "foia-access" if route.startswith("letters/") else "cbp"
        if param == "language":
            return "en"
        raise AssertionError(f"Fill the parameter {param!r} of {route!r} in the access matrix.")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    owner = UserFactory(email="owner-a@example.org")
    clinic = OrganizationFactory(name="Clinic of A")
    own_membership = MembershipFactory(organization=clinic, user=owner, role="admin")
    viewer, advocate = UserFactory(), UserFactory()
    MembershipFactory(organization=clinic, user=viewer, role="viewer")
    MembershipFactory(organization=clinic, user=advocate, role="advocate")
    other_clinic = OrganizationFactory(name="Another clinic")
    other_member = UserFactory()
    MembershipFactory(organization=other_clinic, user=other_member, role="admin")
    CaseFactory(owner=other_member, organization=other_clinic, title="Their own case")

    case = CaseFactory(
        owner=owner,
        organization=clinic,
        title=SECRET["title"],
        subject_name=SECRET["subject_name"],
        subject_passport_number=SECRET["passport"],
        subject_a_number=SECRET["a_number"],
        notes=SECRET["notes"],
        for_client=True,
    )
    proceeding = ProceedingFactory(case=case, title=SECRET["proceeding"])
    Event.objects.create(
        proceeding=proceeding,
        kind="note",
        occurred_on=datetime.date(2026, 1, 5),
        notes=SECRET["event"],
        status_before="draft",
        status_after="draft",
    )
    document = case_services.document_upload(
        user=owner,
        case=case,
        proceeding=proceeding,
        upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%" + SECRET["passport"].encode()),
        title=SECRET["document"],
    )
    consent = ClientConsent.objects.create(
        case=case, scope=SECRET["scope"], signed_on=datetime.date(2026, 1, 2), recorded_by=owner
    )
    consent.regimes.set([proceeding.regime])
    letter_request = LetterRequest.objects.create(
        case=case,
        proceeding=proceeding,
        code="foia-access",
        language="en",
        inputs_hash="0" * 64,
        status="ready",
        document=document,
    )
    invitation = Invitation.objects.create(
        organization=clinic,
        email="invitee@example.org",
        role="viewer",
        token_hash="f" * 64,
        invited_by=owner,
        expires_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
    )
    export = DataExport(user=owner, status="ready", size=10)
    export.file.save("export.zip", ContentFile(SECRET["subject_name"].encode()), save=True)
    notification = Notification.objects.create(user=owner, title=f"Deadline for {SECRET['title']}")
    api_token, _key = account_services.api_token_create(user=owner, name="A's script")
    security_key = Authenticator.objects.create(
        user=owner,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "A's key", "credential": {}, "passwordless": False},
    )
    clock = proceeding.clocks.first() or Clock.objects.create(
        proceeding=proceeding,
        code="response",
        label="Response due",
        start_date=datetime.date(2026, 1, 5),
        due_date=datetime.date(2026, 2, 5),
        citation="5 U.S.C. 552(a)(6)(A)",
        rule_status="verified",
        computed_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    letter = case_services.document_upload(
        user=owner,
        case=case,
        proceeding=proceeding,
        upload=SimpleUploadedFile("reply.pdf", b"%PDF-1.4\n%" + SECRET["a_number"].encode()),
        title=f"{SECRET['document']} reply",
    )
    reading = ResponseReading.objects.create(
        proceeding=proceeding,
        document=letter,
        status=ResponseReading.Status.READY,
        text=f"Letter about {SECRET['subject_name']}, {SECRET['a_number']}",
        created_by=owner,
    )
    return {
        "owner": owner,
        "viewer": viewer,
        "advocate": advocate,
        "other_member": other_member,
        "stranger": UserFactory(),
        "objects": {
            "case": case,
            "proceeding": proceeding,
            "document": document,
            "consent": consent,
            "letter_request": letter_request,
            "organization": clinic,
            "membership": own_membership,
            "invitation": invitation,
            "export": export,
            "api_token": api_token,
            "security_key": security_key,
            "clock": clock,
            "reading": reading,
            "notification": notification,
        },
    }


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _leaks(response) -> list[str]:
    body = _body(response)
    return [value for value in SECRET.values() if value in body]


def _fingerprint(case_id: int) -> str:
    """Everything of A's case, organization and account a write could change."""
    case = Case.objects.filter(pk=case_id).values().first()
    org, owner = case["organization_id"], case["owner_id"]
    parts = [
        case,
        list(Case.objects.filter(pk=case_id).values_list("owner_id", "organization_id")),
        list(Document.objects.filter(case_id=case_id).values_list("pk", "title")),
        list(Event.objects.filter(proceeding__case_id=case_id).values_list("pk", "kind")),
        list(ClientConsent.objects.filter(case_id=case_id).values_list("pk", "revoked_at")),
        list(LetterRequest.objects.filter(case_id=case_id).values_list("pk", "status")),
        list(
            Membership.objects.filter(organization_id=org).order_by("pk").values_list("pk", "role")
        ),
        list(
            Invitation.objects.filter(organization_id=org)
            .order_by("pk")
            .values_list("pk", "status")
        ),
        list(DataExport.objects.filter(user_id=owner).order_by("pk").values_list("pk", "status")),
        list(
            ResponseReading.objects.filter(proceeding__case_id=case_id)
            .order_by("pk")
            .values_list("pk", "status", "event_id")
        ),
        list(ApiToken.objects.filter(user_id=owner).order_by("pk").values_list("pk", "revoked_at")),
        list(Authenticator.objects.filter(user_id=owner).order_by("pk").values_list("pk", "data")),
        list(
            Notification.objects.filter(user_id=owner).order_by("pk").values_list("pk", "is_read")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _sign_in(client, user) -> None:
    """Log ``user`` in as if the password had just been typed, so allauth's "confirm your
    password" step does not hide whether a security page would show A's objects."""
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def _requests(client, objects, user=None):
    client.raise_request_exception = False  # a server error is a finding, reported with the rest
    for route, name in ALL_PATTERNS:
        if user is not None and "_auth_user_id" not in client.session:
            _sign_in(client, user)  # the logout URLs log the previous request out
        path = _fill(route, objects)
        names_an_object = "<" in route or "(?P<" in route
        for method in ("get", "post"):
            yield route, name, path, names_an_object and not _is_public(name), method


LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def test_the_matrix_covers_every_url_and_the_public_list_is_current():
    names = {name for _route, name in ALL_PATTERNS}
    assert PUBLIC <= names, f"stale public names: {PUBLIC - names}"
    assert len(ALL_PATTERNS) > 150


def test_anonymous_visitors_see_nothing(client, world):
    problems = []
    for _route, name, path, _names_object, method in _requests(client, world["objects"]):
        response = getattr(client, method)(path)
        status = response.status_code
        if status >= 500 or _leaks(response):
            problems.append((method, path, status, _leaks(response)))
        elif not _is_public(name):
            if status == 302:
                if not response["Location"].split("?")[0].endswith(LOGIN_PATHS):
                    problems.append((method, path, status, response["Location"]))
            elif status not in (401, 403, 404, 405, 400):
                problems.append((method, path, status))
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("who", ["stranger", "other_member"])
def test_other_users_and_other_organizations_see_nothing(client, world, who):
    case_id = world["objects"]["case"].pk
    before = _fingerprint(case_id)
    problems = []
    for _route, _name, path, names_object, method in _requests(
        client, world["objects"], world[who]
    ):
        response = getattr(client, method)(path)
        status = response.status_code
        leaks = _leaks(response)
        if status >= 500 or leaks:
            problems.append((method, path, status, leaks))
        elif names_object and status not in (400, 403, 404, 405):
            admin_login = status == 302 and "/admin/login/" in response.get("Location", "")
            if not admin_login:
                problems.append((method, path, status))
    assert not problems, "\n".join(map(str, problems))
    assert _fingerprint(case_id) == before


def test_a_viewer_reads_and_changes_nothing(client, world):
    case_id = world["objects"]["case"].pk
    problems = []
    for route, _name, path, names_object, method in _requests(
        client, world["objects"], world["viewer"]
    ):
        if route.startswith("admin/") or "token" in route or "(?P<" in route:
            continue
        before = _fingerprint(case_id)
        response = getattr(client, method)(path)
        status = response.status_code
        if status >= 500:
            problems.append((method, path, status))
        elif (
            method == "get"
            and names_object
            and status == 404
            and "invitations/" not in route  # addressed to someone else
            and "export/" not in route  # A's own
            and "webauthn/keys/" not in route  # A's own security keys
        ):
            problems.append((method, path, "a viewer should see it", status))
        elif method == "post" and _fingerprint(case_id) != before:
            problems.append((method, path, "a viewer changed the case", status))
    assert not problems, "\n".join(map(str, problems))


def test_an_advocate_reads_everything_of_the_case(client, world):
    problems = []
    for route, _name, path, names_object, method in _requests(
        client, world["objects"], world["advocate"]
    ):
        if method != "get" or not names_object or route.startswith("admin/"):
            continue
        if "token" in route or "(?P<" in route or "invitations/" in route or "export/" in route:
            continue  # capabilities nobody in the test holds, and A's own exports
        if "webauthn/keys/" in route:
            continue  # A's own security keys
        response = client.get(path)
        if response.status_code >= 500 or response.status_code == 404:
            problems.append((path, response.status_code))
    assert not problems, "\n".join(map(str, problems))
