import threading

import pytest
from django.core.management import call_command
from django.db import connection

from dsar.letters import registry, services
from dsar.letters.models import Document
from tests.conftest import require_service
from tests.factories import UserFactory
from tests.letters.conftest import pdf_text
from tests.letters.factories import make_case, make_proceeding, sample_inputs


@pytest.mark.django_db
def test_render_letters_demo_renders_every_template_in_every_language(tmp_path):
    demo = UserFactory(email="demo@example.org")
    make_proceeding(demo, when=registry.ADVERSE)
    make_proceeding(
        case=make_case(demo), regime="eu-gdpr", request_type="automated-decision", when="late"
    )
    call_command("render_letters", "--demo", "--out", str(tmp_path))
    expected = {f"{s.code}.{lang}.pdf" for s in registry.LETTERS for lang in s.languages}
    written = {p.name for p in tmp_path.glob("*.pdf")}
    assert expected <= written
    assert any(name.startswith("case-report-") for name in written)
    text = pdf_text(tmp_path / "foia-access.en.pdf")
    assert "5 U.S.C. § 552" in text
    assert "[[" not in text


@pytest.mark.django_db(transaction=True)
def test_concurrent_renders_of_one_request_store_one_document(user):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL")
    proceeding = make_proceeding(user)
    spec = registry.letter_spec("foia-access")
    letter_request = services.letter_request_create(
        user=user, proceeding=proceeding, code=spec.code, language="en", inputs=sample_inputs(spec)
    )
    errors = []

    def render():
        try:
            services.letter_request_render(letter_request_id=letter_request.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Document.objects.filter(kind="letter").count() == 1
    letter_request.refresh_from_db()
    assert letter_request.status == "ready"
    assert letter_request.attempts == 1  # rendered once, however many tasks ran
