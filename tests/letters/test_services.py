import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dsar.cases import services as case_services
from dsar.core.exceptions import ApplicationError
from dsar.letters import registry, services
from dsar.letters.models import Document, LetterRequest
from dsar.letters.pdf import static_path
from dsar.letters.tasks import render_letter_request
from tests.letters.factories import make_proceeding, proceeding_for, sample_inputs

pytestmark = pytest.mark.django_db

FOIA = registry.letter_spec("foia-access")


def _create(user, proceeding, **inputs):
    return services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code="foia-access",
        language="en",
        inputs=sample_inputs(FOIA, **inputs),
    )


def test_missing_addressee_address_blocks_rendering_with_a_clear_message(user):
    proceeding = make_proceeding(user)
    with pytest.raises(ApplicationError) as exc:
        _create(user, proceeding, addressee_address="", records_sought="")
    assert "Addressee's postal address" in exc.value.message
    assert "Records you ask for" in exc.value.message
    assert LetterRequest.objects.count() == 0


def test_form_asks_for_the_addressee_when_the_directory_has_no_address(client, user):
    proceeding = make_proceeding(user)
    client.force_login(user)
    url = reverse("letters:letter_prepare", args=[proceeding.pk, "foia-access", "en"])
    page = client.get(url).content.decode()
    assert "[[" not in page and 'id="addressee-missing"' in page
    data = {k: v for k, v in sample_inputs(FOIA).items() if v is not False}
    data["addressee_address"] = ""
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Addressee&#x27;s postal address" in response.content.decode()
    assert LetterRequest.objects.count() == 0


def test_unfilled_placeholder_blocks_rendering(user):
    proceeding = make_proceeding(user)
    with pytest.raises(ApplicationError) as exc:
        _create(user, proceeding, records_sought="Records of [[date of the trip]]")
    assert "[[date of the trip]]" in exc.value.message


def test_missing_subject_data_blocks_rendering(user):
    proceeding = make_proceeding(user)
    case = proceeding.case
    case.subject_date_of_birth = ""
    case.save()
    with pytest.raises(ApplicationError) as exc:
        _create(user, proceeding)
    assert "date of birth" in exc.value.message


def test_expedition_needs_its_facts(user):
    proceeding = make_proceeding(user)
    with pytest.raises(ApplicationError) as exc:
        _create(user, proceeding, expedite="life_safety", expedite_explanation="")
    assert "urgent" in exc.value.message


def test_letter_that_does_not_fit_the_state_is_refused(user):
    proceeding = make_proceeding(user)  # running clock, no determination
    with pytest.raises(ApplicationError):
        services.letter_request_create(
            user=user,
            proceeding=proceeding,
            code="foia-appeal",
            language="en",
            inputs=sample_inputs(registry.letter_spec("foia-appeal")),
        )


def test_same_inputs_serve_the_stored_document_without_rendering_again(user, monkeypatch):
    proceeding = make_proceeding(user)
    first = _create(user, proceeding)
    first = services.letter_request_render(letter_request_id=first.pk)
    assert first.status == "ready"

    def fail(html):  # pragma: no cover - must not be called
        raise AssertionError("rendered again")

    monkeypatch.setattr(services, "html_to_pdf", fail)
    again = _create(user, proceeding)
    assert again.pk == first.pk
    again = services.letter_request_render(letter_request_id=again.pk)
    assert again.document_id == first.document_id
    assert Document.objects.filter(kind="letter").count() == 1


def test_a_deleted_letter_is_made_again_when_asked_for_again(user):
    from dsar.cases.services import document_remove

    proceeding = make_proceeding(user)
    first = services.letter_request_render(letter_request_id=_create(user, proceeding).pk)
    document_remove(user=user, document=first.document)
    again = services.letter_request_render(letter_request_id=_create(user, proceeding).pk)
    assert again.pk == first.pk and again.status == "ready"
    assert again.document_id and again.document_id != first.document_id


def test_changed_inputs_make_a_new_letter(user):
    proceeding = make_proceeding(user)
    first = _create(user, proceeding)
    second = _create(user, proceeding, free_paragraph="One more thing.")
    assert first.pk != second.pk
    assert first.inputs_hash != second.inputs_hash


def test_redelivered_task_does_nothing_twice(user):
    proceeding = make_proceeding(user)
    letter_request = _create(user, proceeding)
    assert render_letter_request.apply(args=[letter_request.pk]).get() == "ready"
    assert render_letter_request.apply(args=[letter_request.pk]).get() == "ready"
    letter_request.refresh_from_db()
    assert letter_request.attempts == 1
    assert Document.objects.filter(kind="letter").count() == 1
    document = letter_request.document
    assert document.sha256 and len(document.sha256) == 64
    assert document.inputs_hash == letter_request.inputs_hash
    assert document.template_version == FOIA.version


def test_request_enqueues_the_render_on_commit(user, django_capture_on_commit_callbacks):
    proceeding = make_proceeding(user)
    with django_capture_on_commit_callbacks(execute=True):
        letter_request = _create(user, proceeding)
    letter_request.refresh_from_db()
    assert letter_request.status == "ready"  # eager Celery in tests


def test_failed_render_is_recorded_and_can_be_retried(user, monkeypatch):
    proceeding = make_proceeding(user)
    letter_request = _create(user, proceeding)
    monkeypatch.setattr(services, "html_to_pdf", lambda html: 1 / 0)
    failed = services.letter_request_render(letter_request_id=letter_request.pk)
    assert failed.status == "failed" and "ZeroDivisionError" in failed.error
    monkeypatch.undo()
    again = _create(user, proceeding)
    assert again.pk == letter_request.pk and again.status == "pending"


def test_url_fetcher_serves_only_static_files(settings):
    assert static_path("dsar-static:css/letter.css").name == "letter.css"
    for url in (
        "http://example.org/x.css",
        "https://example.org/font.woff",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "dsar-static:../../settings/base.py",
    ):
        with pytest.raises(ValueError):
            static_path(url)


# Views


def test_proceeding_letters_page_lists_only_fitting_letters(client, user):
    proceeding = make_proceeding(user)
    client.force_login(user)
    response = client.get(reverse("letters:proceeding_letters", args=[proceeding.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "foia-access" in body
    assert "foia-appeal" not in body
    assert "status-inquiry" not in body


def test_letters_page_query_count_does_not_grow_with_the_registry(
    client, user, django_assert_max_num_queries
):
    proceeding = make_proceeding(user, when=registry.ADVERSE)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("letters:proceeding_letters", args=[proceeding.pk]))
    assert b"foia-appeal" in response.content


def test_late_proceeding_offers_a_status_inquiry(client, user):
    proceeding = make_proceeding(user, when=registry.LATE)
    client.force_login(user)
    body = client.get(reverse("letters:proceeding_letters", args=[proceeding.pk])).content
    assert b"status-inquiry" in body


def test_form_prefills_and_reports_what_is_missing(client, user):
    proceeding = make_proceeding(user)
    client.force_login(user)
    url = reverse("letters:letter_prepare", args=[proceeding.pk, "foia-access", "en"])
    response = client.get(url)
    assert response.status_code == 200
    assert "All records of facial comparisons" in response.content.decode()
    data = sample_inputs(FOIA, addressee_address="")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Addressee&#x27;s postal address" in response.content.decode()
    assert LetterRequest.objects.count() == 0


def test_prepare_render_poll_and_download(client, user, django_capture_on_commit_callbacks):
    proceeding = make_proceeding(user)
    client.force_login(user)
    url = reverse("letters:letter_prepare", args=[proceeding.pk, "foia-access", "en"])
    data = {k: v for k, v in sample_inputs(FOIA).items() if v is not False}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    letter_request = LetterRequest.objects.get()
    status = client.get(reverse("letters:letter_request_status", args=[letter_request.pk]))
    assert status.status_code == 200
    assert b"hx-get" not in status.content  # ready: polling stops
    download = client.get(reverse("letters:document_download", args=[letter_request.document_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert "foia-access-cbp" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_pending_request_page_polls_its_status(client, user):
    proceeding = make_proceeding(user)
    letter_request = _create(user, proceeding)  # on_commit never runs: still pending
    client.force_login(user)
    response = client.get(reverse("letters:letter_request", args=[letter_request.pk]))
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert reverse("letters:letter_request_status", args=[letter_request.pk]) in body
    assert "<script>" not in body and 'style="' not in body


def test_other_users_get_404(client, user, other_user):
    proceeding = make_proceeding(user)
    letter_request = services.letter_request_render(letter_request_id=_create(user, proceeding).pk)
    client.force_login(other_user)
    for url in (
        reverse("letters:document_download", args=[letter_request.document_id]),
        reverse("letters:letter_request", args=[letter_request.pk]),
        reverse("letters:letter_request_status", args=[letter_request.pk]),
        reverse("letters:proceeding_letters", args=[proceeding.pk]),
        reverse("letters:letter_prepare", args=[proceeding.pk, "foia-access", "en"]),
        reverse("letters:case_report", args=[proceeding.case_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_login(client, user):
    proceeding = make_proceeding(user)
    response = client.get(reverse("letters:proceeding_letters", args=[proceeding.pk]))
    assert response.status_code == 302


def test_uploaded_documents_download_decrypted_with_a_safe_name(client, user):
    proceeding = make_proceeding(user)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    document = case_services.document_upload(
        user=user,
        case=proceeding.case,
        upload=SimpleUploadedFile("CBP answer (Ana).exe", pdf),
    )
    client.force_login(user)
    response = client.get(reverse("letters:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    # The extension comes from the detected type, never from the uploaded name.
    assert 'filename="cbp-answer-ana.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"private", "no-store"}  # in any order


def test_case_report_page_generates_the_report(client, user, django_capture_on_commit_callbacks):
    proceeding = proceeding_for(registry.letter_spec("status-inquiry"), user)
    client.force_login(user)
    url = reverse("letters:case_report", args=[proceeding.case_id])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": "en"})
    assert response.status_code == 302
    letter_request = LetterRequest.objects.get(code="case-report")
    letter_request.refresh_from_db()
    assert letter_request.status == "ready"
    assert letter_request.document.kind == "report"
    # Same case, nothing changed: the same report.
    again = services.case_report_request(user=user, case=proceeding.case, language="en")
    assert again.pk == letter_request.pk


def test_addressee_comes_from_the_directory_and_appeals_never_use_the_request_address(user):
    from dsar.directory.models import Channel
    from dsar.letters.context import prefill

    proceeding = make_proceeding(user, when=registry.ADVERSE)
    Channel.objects.create(
        code="letters-test-request-postal",
        agency=proceeding.agency,
        kind="postal",
        purpose="request",
        value="CBP FOIA\n90 K St NE, MS 1181\nWashington, DC 20229",
    )
    assert prefill(FOIA, proceeding)["addressee_address"].startswith("CBP FOIA")
    appeal = registry.letter_spec("foia-appeal")
    assert prefill(appeal, proceeding)["addressee_address"] == ""
    Channel.objects.create(
        code="letters-test-appeal-postal",
        agency=proceeding.agency,
        kind="postal",
        purpose="appeal",
        value="CBP FOIA Appeals\nWashington, DC 20229",
    )
    assert prefill(appeal, proceeding)["addressee_address"].startswith("CBP FOIA Appeals")
