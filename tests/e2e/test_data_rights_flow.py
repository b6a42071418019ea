import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from dsar.accounts.models import User
from dsar.cases import services
from dsar.cases.models import Case
from tests.e2e.test_case_flow import sign_up

pytestmark = pytest.mark.django_db(transaction=True)

SCAN = b"%PDF-1.4\n% the agency's reply\n%%EOF\n"


def test_export_my_data_then_delete_a_case(page):
    sign_up(page, "rights@example.org")
    user = User.objects.get(email="rights@example.org")
    case = services.case_create(user=user, title="Face match at MEX", subject_name="Ana Pérez")
    document = services.document_upload(
        user=user, case=case, upload=SimpleUploadedFile("reply.pdf", SCAN)
    )
    stored = Path(document.file.path)

    page.locator("summary", has_text="Account").click()
    page.get_by_role("link", name="My data").click()
    page.get_by_role("button", name="Prepare an export").click()
    expect(page.locator(".export-status").first).to_have_text("Ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the zip").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert [c["title"] for c in data["cases"]] == ["Face match at MEX"]
    assert archive.read(data["documents"][0]["path_in_export"]) == SCAN

    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Delete case").click()
    page.get_by_label(re.compile("deleted for good")).check()
    page.get_by_role("button", name="Delete for good").click()
    expect(page.locator(".alert, .messages").first).to_contain_text("deleted")
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not stored.exists()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
