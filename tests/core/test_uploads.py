"""Upload checks read the whole file: markup and programs are refused however they are named,
and the files of one request have a total size limit. Nothing is stored when a file is refused."""

import base64
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dsar.cases import services
from dsar.cases.models import Event
from dsar.core.exceptions import ApplicationError
from dsar.core.uploads import check_upload, detect_content_type
from dsar.letters.models import Document
from tests.factories import CaseFactory, ProceedingFactory, days_ago

TEXT = ("Letter from the agency about the request.\n" * 300).encode()  # ~12 KiB, past 8 KiB
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 20
    + b"PE\x00\x00\x64\x86"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 40
    + b"\xff\xd9"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

REFUSED = {
    "text followed by a Windows program": ("notes.txt", TEXT + PE),
    "text followed by a Linux program": ("notes.txt", TEXT + ELF),
    "a program named as a PDF": ("records.pdf", PE),
    "a shell script named as text": ("notes.txt", b"#!/bin/sh\nrm -rf ~\n"),
    "HTML named as text": ("letter.txt", b"Hello\n<html><body>hi</body></html>"),
    "HTML with a script after 8 KiB of text": ("letter.txt", TEXT + b"<script>alert(1)</script>"),
    "SVG named as a PNG": (
        "photo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "XML with a script": (
        "data.txt",
        b'<?xml version="1.0"?><x><script xmlns="http://www.w3.org/1999/xhtml">a()</script></x>',
    ),
    "an event handler": ("a.txt", b'an <x onload="steal()"> tag'),
    "a PNG with a program appended": ("photo.png", PNG + PE),
    "a PDF with a page after its end": ("letter.pdf", PDF + b"<html><body>hi"),
    "a JPEG with a script after its end": ("photo.jpg", JPEG + b"<script>a()</script>"),
    "binary that is not an accepted type": ("a.txt", b"\x00\x01\x02\x03" * 10),
}


@pytest.mark.parametrize("label", REFUSED)
def test_markup_and_programs_are_refused_however_they_are_named(label):
    name, content = REFUSED[label]
    assert detect_content_type(content) is None
    with pytest.raises(Exception, match="not accepted"):
        check_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (TEXT, "text/plain"),
        ("Carta de la agencia: número 5 < 7, ¿sí?".encode(), "text/plain"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (PDF + b"\x00\x00 scanner padding", "application/pdf"),
        (JPEG, "image/jpeg"),
        (JPEG + b"\x00\x00\x00\x18ftypmp42 motion photo video", "image/jpeg"),
    ],
)
def test_accepted_types_are_detected_from_the_content(content, expected):
    checked = check_upload(SimpleUploadedFile("whatever.exe", content))
    assert checked.content_type == expected
    assert checked.content == content


def _stored_files() -> set[str]:
    """Every file in the media folder (other tests' files included: compare before and after)."""
    return {
        os.path.join(root, name)
        for root, _dirs, files in os.walk(settings.MEDIA_ROOT)
        for name in files
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label",
    ["text followed by a Windows program", "HTML named as text", "SVG named as a PNG"],
)
def test_a_refused_file_among_good_ones_stores_nothing(user, label):
    name, content = REFUSED[label]
    proceeding = ProceedingFactory(case__owner=user)
    before = _stored_files()
    with pytest.raises(ApplicationError, match=f"{name}: This kind of file is not accepted"):
        services.proceeding_record_event(
            user=user,
            proceeding=proceeding,
            kind="filed",
            occurred_on=days_ago(1),
            uploads=[SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile(name, content)],
        )
    assert Event.objects.count() == 0 and Document.objects.count() == 0
    assert _stored_files() == before


@pytest.mark.django_db
def test_files_of_one_request_have_a_total_size_limit(user, settings):
    settings.DSAR_UPLOAD_MAX_TOTAL_BYTES = len(TEXT) + 100
    proceeding = ProceedingFactory(case__owner=user)
    before = _stored_files()
    with pytest.raises(ApplicationError, match="too large together"):
        services.proceeding_record_event(
            user=user,
            proceeding=proceeding,
            kind="filed",
            occurred_on=days_ago(1),
            uploads=[SimpleUploadedFile("a.txt", TEXT), SimpleUploadedFile("b.txt", TEXT)],
        )
    assert Event.objects.count() == 0 and Document.objects.count() == 0
    assert _stored_files() == before


@pytest.mark.django_db
def test_the_event_form_explains_the_total_limit(client, user, settings):
    settings.DSAR_UPLOAD_MAX_TOTAL_BYTES = len(TEXT) + 100
    proceeding = ProceedingFactory(case__owner=user)
    client.force_login(user)
    response = client.post(
        reverse("cases:event_create", args=[proceeding.pk]),
        {
            "kind": "filed",
            "occurred_on": days_ago(1).isoformat(),
            "documents": [SimpleUploadedFile("a.txt", TEXT), SimpleUploadedFile("b.txt", TEXT)],
        },
    )
    assert response.status_code == 400
    assert "These files are too large together" in response.content.decode()
    assert Event.objects.count() == 0 and Document.objects.count() == 0


@pytest.mark.django_db
def test_a_request_body_far_above_the_limit_is_refused_before_it_is_read(client, user, settings):
    settings.DSAR_UPLOAD_MAX_TOTAL_BYTES = 1000
    case = CaseFactory(owner=user)
    before = _stored_files()
    client.force_login(user)
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 2000))
    response = client.post(reverse("cases:document_upload", args=[case.pk]), {"file": big})
    assert response.status_code == 400
    assert Document.objects.count() == 0 and _stored_files() == before


@pytest.mark.django_db
def test_uploads_are_stored_under_generated_names_and_encrypted(user):
    case = CaseFactory(owner=user)
    document = services.document_upload(
        user=user, case=case, upload=SimpleUploadedFile("Ana Pérez passport.png", PNG)
    )
    assert document.content_type == "image/png"
    assert "ana" not in document.file.name.lower() and document.file.name.endswith(".enc")
    with document.file.open("rb") as handle:
        assert PNG not in handle.read()
    assert document.read_content() == PNG
