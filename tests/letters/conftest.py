import shutil
import subprocess

import pytest
from pypdf import PdfReader


def pdf_text(path_or_file) -> str:
    reader = PdfReader(path_or_file)
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
