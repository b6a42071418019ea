import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader


def pdf_bytes(document) -> io.BytesIO:
    """A stored document is encrypted on disk: read it decrypted."""
    return io.BytesIO(document.read_content())


def pdf_text(path_or_document) -> str:
    if hasattr(path_or_document, "read_content"):
        path_or_document = pdf_bytes(path_or_document)
    reader = PdfReader(path_or_document)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


@pytest.fixture
def read_pdf():
    return pdf_text


@pytest.fixture
def has_poppler():
    from tests.conftest import require_service

    require_service("poppler-utils (pdftoppm)", bool(shutil.which("pdftoppm")))
    return subprocess
