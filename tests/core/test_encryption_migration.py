"""The data migrations encrypt rows and files stored before encryption at rest, and the reverse
migrations give the plaintext back."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dsar.core import crypto
from dsar.directory.services import directory_load

BEFORE = [("cases", "0001_initial"), ("letters", "0002_letterrequest")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    """Every app's latest migration: going back to ``BEFORE`` also unapplies the migrations of
    other apps that depend on later cases or letters migrations (the audit log, data exports…),
    so coming forward must reapply them all, or the tests after this one find tables missing."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


# Not ``serialized_rollback``: restoring the serialized database collides with the content types
# that an earlier transactional test's flush recreated under new ids. The test loads the
# directory it needs itself (an earlier transactional test may have flushed it).
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite, unapplying this many migrations in one plan leaves cases_case.for_client "
    "behind (Django rebuilds SQLite tables); the reverse path is exercised on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_migrations_encrypt_existing_rows_and_files_and_reverse():
    directory_load()  # creates or updates by code: safe when the rows are there
    old = _migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(email="old@example.org")
    regime = old.get_model("directory", "Regime").objects.order_by("pk").first()
    agency = old.get_model("directory", "Agency").objects.order_by("pk").first()
    case = old.get_model("cases", "Case").objects.create(
        owner=user, title="Matter of Quorblat", subject_name="Zyx Quorblat", notes="met"
    )
    proceeding = old.get_model("cases", "Proceeding").objects.create(
        case=case, regime=regime, agency=agency, request_type="access", tracking_numbers="T-1"
    )
    event = old.get_model("cases", "Event").objects.create(
        proceeding=proceeding,
        kind="filed",
        occurred_on="2026-01-05",
        tracking_number="T-1",
        notes="sent by post",
        status_before="draft",
        status_after="filed",
    )
    old_name = default_storage.save("documents/old/quorblat-passport.txt", ContentFile(b"plain"))
    document = old.get_model("letters", "Document").objects.create(
        case=case,
        kind="upload",
        title="Quorblat passport",
        file=old_name,
        original_name="quorblat-passport.txt",
        content_type="text/plain",
        size=5,
        sha256="0" * 64,
    )
    letter_request = old.get_model("letters", "LetterRequest").objects.create(
        case=case, proceeding=proceeding, code="foia-access", language="en",
        inputs={"free_paragraph": "Quorbleton"}, inputs_hash="x",
    )  # fmt: skip

    _migrate(_latest())

    for table, column, pk in [
        ("cases_case", "title", case.pk),
        ("cases_case", "subject_name", case.pk),
        ("cases_case", "subject_us_status", case.pk),
        ("cases_proceeding", "tracking_numbers", proceeding.pk),
        ("cases_event", "notes", event.pk),
        ("letters_document", "title", document.pk),
        ("letters_letterrequest", "inputs", letter_request.pk),
    ]:
        assert _raw(table, column, pk).startswith(crypto.PREFIX), (table, column)
    from dsar.cases.models import Case
    from dsar.letters.models import Document, LetterRequest

    assert Case.objects.get(pk=case.pk).subject_name == "Zyx Quorblat"
    assert LetterRequest.objects.get(pk=letter_request.pk).inputs == {
        "free_paragraph": "Quorbleton"
    }
    migrated = Document.objects.get(pk=document.pk)
    assert migrated.read_content() == b"plain"
    assert migrated.file.name.endswith(".enc") and "quorblat" not in migrated.file.name
    assert not default_storage.exists(old_name)  # the plaintext file is gone

    _migrate(BEFORE)
    assert _raw("cases_case", "subject_name", case.pk) == "Zyx Quorblat"
    assert _raw("letters_document", "original_name", document.pk) == "quorblat-passport.txt"
    with default_storage.open(migrated.file.name, "rb") as handle:
        assert handle.read() == b"plain"
    _migrate(_latest())
