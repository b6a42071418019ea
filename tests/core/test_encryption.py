"""Encryption at rest: nothing that identifies or describes a person is readable in the raw
database or the media folder; keys rotate; decryption fails closed; keys live outside var/."""

import os
import stat

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from dsar.cases import services as case_services
from dsar.cases.models import Case, Event, Proceeding
from dsar.core import crypto
from dsar.letters import registry
from dsar.letters import services as letter_services
from dsar.letters.models import Document, LetterRequest
from tests.factories import AgencyFactory, RegimeFactory, days_ago
from tests.letters.factories import sample_inputs

SECRETS = {
    "title": "Matter of Zyxwanda Quorblat",
    "subject_name": "Zyxwanda Quorblat-Henning",
    "subject_other_names": "Zyxie Marlowequist",
    "subject_a_number": "A918273645",
    "subject_passport_number": "PQZ7781204",
    "subject_date_of_birth": "1979-03-14",
    "subject_place_of_birth": "Villaquorbla de Arriba",
    "subject_address": "77 Quorblat Lane, Zyxton",
    "subject_email": "zyxwanda.q@example.net",
    "notes": "Client met at Quorblat clinic intake",
    "decision_place": "Zyxport Terminal Q7",
    "decision_description": "The kiosk flagged a Quorblat watch-list hit",
    "decision_outcome": "Held in Zyxport secondary for nine hours",
    "decision_references": "I94-QZ-5531907",
}
PROCEEDING_SECRETS = {
    "title": "Quorblat TVS records",
    "description": "Every Zyxport facial comparison of Quorblat",
    "tracking_numbers": "TRK-QZ-880017",
}
EVENT_SECRETS = {"tracking_number": "ACK-QZ-443210", "notes": "Officer Quorblatson called"}
LETTER_SECRET = "I was born in Quorbleton and travel monthly"
UPLOAD_NAME = "passport-zyxwanda-quorblat.txt"
UPLOAD_TEXT = "Passport scan of ZYXWANDA QUORBLAT, number PQZ7781204"
ALL_SECRETS = [
    *SECRETS.values(),
    *PROCEEDING_SECRETS.values(),
    *EVENT_SECRETS.values(),
    LETTER_SECRET,
    UPLOAD_NAME.removesuffix(".txt"),
    UPLOAD_TEXT,
]


def _build_case(user):
    case = case_services.case_create(
        user=user, subject_nationality="MX", subject_us_status="lpr", **SECRETS
    )
    proceeding = case_services.proceeding_create(
        user=user,
        case=case,
        regime=RegimeFactory(),
        request_type="access",
        agency=AgencyFactory(),
        **PROCEEDING_SECRETS,
    )
    case_services.proceeding_record_event(
        user=user, proceeding=proceeding, kind="filed", occurred_on=days_ago(10)
    )
    case_services.proceeding_record_event(
        user=user,
        proceeding=proceeding,
        kind="acknowledged",
        occurred_on=days_ago(5),
        uploads=[SimpleUploadedFile(UPLOAD_NAME, UPLOAD_TEXT.encode())],
        **EVENT_SECRETS,
    )
    spec = registry.letter_spec("foia-access")
    letter_request = letter_services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code=spec.code,
        language="en",
        inputs=sample_inputs(spec, free_paragraph=LETTER_SECRET),
    )
    letter_request = letter_services.letter_request_render(letter_request_id=letter_request.pk)
    assert letter_request.status == "ready", letter_request.error
    report = letter_services.case_report_request(user=user, case=case, language="en")
    report = letter_services.letter_request_render(letter_request_id=report.pk)
    assert report.status == "ready", report.error
    return case, proceeding, letter_request


def _raw_database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    chunks.append(str(value))
    return "\n".join(chunks).lower()


def _raw_media() -> list[tuple[str, bytes]]:
    found = []
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found.append((path, handle.read()))
    return found


@pytest.mark.django_db
def test_raw_database_and_media_folder_hold_none_of_the_personal_values(user):
    case, proceeding, letter_request = _build_case(user)

    # Everything reads back through the models …
    case = Case.objects.get(pk=case.pk)
    assert {name: getattr(case, name) for name in SECRETS} == SECRETS
    assert case.subject_us_status == "lpr" and case.get_subject_us_status_display()
    proceeding = Proceeding.objects.get(pk=proceeding.pk)
    assert proceeding.title == PROCEEDING_SECRETS["title"]
    assert EVENT_SECRETS["tracking_number"] in proceeding.tracking_numbers
    event = Event.objects.get(proceeding=proceeding, kind="acknowledged")
    assert event.notes == EVENT_SECRETS["notes"]
    assert LetterRequest.objects.get(pk=letter_request.pk).inputs["free_paragraph"] == (
        LETTER_SECRET
    )
    upload = Document.objects.get(kind=Document.Kind.UPLOAD, case=case)
    assert upload.read_content() == UPLOAD_TEXT.encode()
    assert upload.original_name == UPLOAD_NAME
    assert Document.objects.filter(case=case).count() == 3  # upload, letter, report

    # … but the raw tables and the files on disk show none of it.
    raw = _raw_database_text()
    assert user.email.lower() in raw  # the raw read sees plaintext columns
    leaked = [value for value in ALL_SECRETS if value.lower() in raw]
    assert leaked == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_nationality, subject_us_status FROM cases_case WHERE id = %s",
            [case.pk],
        )
        nationality, us_status = cursor.fetchone()
    assert nationality.startswith("fernet:") and us_status.startswith("fernet:")

    media = _raw_media()
    stored = {d.file.name for d in Document.objects.filter(case=case)}
    assert len(stored) == 3
    for path, content in media:
        assert not any(v.lower() in path.lower() for v in ALL_SECRETS), path
        assert content.startswith(crypto.FILE_MAGIC), path
        for value in ALL_SECRETS:
            assert value.encode() not in content, (path, value)
    for document in Document.objects.filter(case=case):
        assert document.file.name.endswith(".enc") and "zyx" not in document.file.name.lower()
        assert document.read_content()  # the letter and report PDFs decrypt
        assert document.read_content()[:5] in (b"%PDF-", UPLOAD_TEXT.encode()[:5])


@pytest.mark.django_db
def test_rotation_re_encrypts_everything_and_the_old_key_can_go(user, settings):
    old_key = settings.DSAR_FIELD_KEYS[0]
    case, proceeding, letter_request = _build_case(user)
    documents = {d.pk: d.read_content() for d in Document.objects.filter(case=case)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM cases_case WHERE id = %s", [case.pk])
        (title_before,) = cursor.fetchone()

    new_key = Fernet.generate_key().decode()
    settings.DSAR_FIELD_KEYS = [new_key, old_key]
    counts = {c.label: c for c in case_services_rotate()}
    assert counts["cases.Case"].reencrypted == 1
    assert counts["letters.Document"].reencrypted == 3  # titles, names and file keys re-wrapped
    assert counts["letters.LetterRequest"].reencrypted >= 1
    # Running it again finds nothing left to do (idempotent, so an interrupted run resumes).
    assert sum(c.reencrypted for c in case_services_rotate()) == 0

    settings.DSAR_FIELD_KEYS = [new_key]  # the old key is gone
    case = Case.objects.get(pk=case.pk)
    assert case.subject_name == SECRETS["subject_name"]
    assert case.subject_a_number == SECRETS["subject_a_number"]
    assert Proceeding.objects.get(pk=proceeding.pk).title == PROCEEDING_SECRETS["title"]
    assert LetterRequest.objects.get(pk=letter_request.pk).inputs["free_paragraph"] == (
        LETTER_SECRET
    )
    for document in Document.objects.filter(case=case):
        assert document.read_content() == documents[document.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM cases_case WHERE id = %s", [case.pk])
        (title_after,) = cursor.fetchone()
    assert title_after != title_before and title_after.startswith("fernet:")


def case_services_rotate():
    from dsar.core.services import encryption_keys_rotate

    return encryption_keys_rotate(batch_size=2)


@pytest.mark.django_db
def test_rotate_keys_command_prints_counts(user, capsys):
    _build_case(user)
    call_command("rotate_keys", "--batch-size", "3")
    out = capsys.readouterr().out
    assert "cases.Case: 1 rows checked, 0 re-encrypted" in out
    assert "Done:" in out


@pytest.mark.django_db
def test_decryption_fails_closed_with_a_wrong_key(user, settings):
    case = case_services.case_create(user=user, title="Matter of X", subject_name="Quorblat")
    upload = case_services.document_upload(
        user=user, case=case, upload=SimpleUploadedFile("a.txt", b"plain words")
    )
    settings.DSAR_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="wrong DSAR_FIELD_KEYS"):
        Case.objects.get(pk=case.pk)
    with pytest.raises(ImproperlyConfigured):
        Document.objects.get(pk=upload.pk)
    # A damaged or swapped file is refused too, never returned as ciphertext.
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(crypto.seal(b"data", crypto.new_data_key()), crypto.new_data_key())
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("not encrypted")


@pytest.mark.django_db
def test_a_rotation_stops_on_a_value_no_key_can_read(user, settings):
    case_services.case_create(user=user, title="Matter of X", subject_name="Quorblat")
    settings.DSAR_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(Exception, match="Stopped"):
        call_command("rotate_keys")


def test_embedded_default_keeps_keys_outside_the_data_folder(tmp_path, settings):
    settings.DSAR_FIELD_KEYS = []
    settings.DSAR_FIELD_KEY_FILE = tmp_path / "config" / "dsar" / "keys" / "field.keys"
    settings.DSAR_LEGACY_FIELD_KEY_FILE = tmp_path / "var" / "field.key"
    token = crypto.encrypt("Quorblat")
    key_file = settings.DSAR_FIELD_KEY_FILE
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert not (tmp_path / "var").exists()
    assert crypto.decrypt(token) == "Quorblat"

    # rotate_keys --new-key puts a new key first; --drop-old-keys keeps only it.
    from dsar.core import services

    services.encryption_key_add()
    assert len(crypto.read_key_file(key_file)) == 2
    new_token = crypto.encrypt("Quorblat")
    assert crypto.is_current(new_token) and not crypto.is_current(token)
    assert crypto.decrypt(token) == "Quorblat"
    assert services.encryption_keys_drop_old() == 1
    assert crypto.decrypt(new_token) == "Quorblat"
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


def test_a_key_left_in_the_data_folder_by_an_older_version_is_moved_out(tmp_path, settings):
    legacy = tmp_path / "var" / "field.key"
    legacy.parent.mkdir()
    old_key = Fernet.generate_key().decode()
    legacy.write_text(old_key)
    settings.DSAR_FIELD_KEYS = []
    settings.DSAR_FIELD_KEY_FILE = tmp_path / "keys" / "field.keys"
    settings.DSAR_LEGACY_FIELD_KEY_FILE = legacy
    assert crypto.field_keys() == [old_key]
    assert not legacy.exists()
    assert crypto.read_key_file(settings.DSAR_FIELD_KEY_FILE) == [old_key]


def test_production_reads_keys_only_from_the_environment(settings):
    settings.DSAR_FIELD_KEYS = []
    settings.DSAR_FIELD_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured, match="Set DSAR_FIELD_KEYS"):
        crypto.encrypt("x")
    from dsar.core import services
    from dsar.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="DSAR_FIELD_KEYS"):
        services.encryption_key_add()


def test_search_key_for_the_embedded_default_lives_next_to_the_field_keys(tmp_path, settings):
    from dsar.core import blind_index

    # The demo runs the embedded default with DEBUG off: the key file is made all the same.
    settings.DEBUG = False
    settings.DSAR_SEARCH_KEY = ""
    settings.DSAR_SEARCH_KEY_FILE = tmp_path / "keys" / "search.key"
    digest = blind_index.digest("ref", "CBP-2026-081442")
    key = crypto.search_key()
    assert key and crypto.search_key() == key
    assert stat.S_IMODE(settings.DSAR_SEARCH_KEY_FILE.stat().st_mode) == 0o600
    # The search index hashes with that same key, and a new key gives other digests.
    assert blind_index._key() == key
    settings.DSAR_SEARCH_KEY = "another key"
    assert blind_index.digest("ref", "CBP-2026-081442") != digest
    # Production names no key file: without DSAR_SEARCH_KEY, a clear refusal.
    settings.DSAR_SEARCH_KEY = ""
    settings.DSAR_SEARCH_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured, match="DSAR_SEARCH_KEY"):
        blind_index.digest("ref", "CBP-2026-081442")


def test_system_checks_refuse_missing_bad_or_misplaced_keys(tmp_path, settings):
    from dsar.core.checks import check_field_keys

    assert check_field_keys(None) == []
    settings.DSAR_FIELD_KEYS = []
    settings.DSAR_FIELD_KEY_FILE = None
    assert [e.id for e in check_field_keys(None)] == ["dsar.E001"]
    settings.DSAR_FIELD_KEYS = ["not-a-key"]
    assert [e.id for e in check_field_keys(None)] == ["dsar.E002"]
    settings.DSAR_FIELD_KEYS = []
    settings.DSAR_FIELD_KEY_FILE = settings.MEDIA_ROOT / "field.keys"
    assert [e.id for e in check_field_keys(None)] == ["dsar.E003"]


def test_a_key_file_is_never_replaced_when_two_processes_create_it(tmp_path, settings):
    settings.DSAR_FIELD_KEYS = []
    settings.DSAR_FIELD_KEY_FILE = tmp_path / "keys" / "field.keys"
    first = crypto._create_key_file(settings.DSAR_FIELD_KEY_FILE, ["first"])
    second = crypto._create_key_file(settings.DSAR_FIELD_KEY_FILE, ["second"])
    assert first == second == ["first"]
    assert sorted(p.name for p in settings.DSAR_FIELD_KEY_FILE.parent.iterdir()) == ["field.keys"]
