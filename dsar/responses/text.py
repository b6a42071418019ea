"""The text of an agency's letter: the PDF's text layer, or Tesseract OCR where there is none.

Pure Python around poppler (``pdftotext``, ``pdftoppm``) and ``tesseract``, the Debian packages
that ``dsar/scripts/*.sh`` install. Bad input raises :class:`UnreadableLetter` with a code and a
message meant for the person who uploaded the file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MAX_PAGES = 10
OCR_DPI = 300
OCR_LANGUAGES = "eng+spa"
MIN_CHARS_PER_PAGE = 40  # fewer letters than this on a page: it is a scan, OCR it
MIN_LETTER_CHARS = 60  # fewer than this in the whole letter: there is nothing to read
COMMAND_TIMEOUT = 60


class UnreadableLetter(Exception):
    """The file cannot be read as a letter; ``message`` says why, for the person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LetterText:
    text: str
    pages: int
    ocr: bool
    seconds: float


def tools_missing() -> list[str]:
    return [
        tool for tool in ("pdftotext", "pdftoppm", "pdfinfo", "tesseract") if not shutil.which(tool)
    ]


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    # One OpenMP thread: Tesseract's own threads fight each other and the web and worker
    # processes on a small machine (a page took 6 s with them and 2.5 s without).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(args, capture_output=True, timeout=COMMAND_TIMEOUT, check=False, env=env)


def _letters(text: str) -> int:
    return len(re.findall(r"[^\W\d_]", text))


def _pdf_pages(path: Path) -> int:
    info = _run(["pdfinfo", str(path)])
    output = info.stdout.decode("utf-8", "replace") + info.stderr.decode("utf-8", "replace")
    if "Incorrect password" in output or "Encrypted:      yes" in output and info.returncode:
        raise UnreadableLetter(
            "encrypted",
            "This PDF is protected by a password. Save an unprotected copy (or print it to PDF) "
            "and upload that.",
        )
    if info.returncode != 0:
        raise UnreadableLetter(
            "damaged", "This PDF could not be opened. It may be damaged; upload another copy."
        )
    match = re.search(r"^Pages:\s+(\d+)", output, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _ocr_image(path: Path) -> str:
    result = _run(["tesseract", str(path), "stdout", "-l", OCR_LANGUAGES, "--psm", "3"])
    if result.returncode != 0:
        raise UnreadableLetter(
            "unreadable_image", "This image could not be read. Upload a clearer scan or photo."
        )
    return result.stdout.decode("utf-8", "replace")


def _page_images(path: Path, pages: int, folder: Path) -> list[Path]:
    """One image per page to OCR. A scanner's PDF holds one image per page: take it as it is
    (native resolution, no resampling, much faster); anything else is rasterised at 300 dpi."""
    listing = _run(["pdfimages", "-list", str(path)])
    rows = [line.split() for line in listing.stdout.decode("utf-8", "replace").splitlines()[2:]]
    image_pages = [row[0] for row in rows if len(row) > 2 and row[2] == "image"]
    if listing.returncode == 0 and sorted(image_pages) == [str(n) for n in range(1, pages + 1)]:
        if _run(["pdfimages", "-png", str(path), str(folder / "scan")]).returncode == 0:
            found = sorted(folder.glob("scan-*.png"))
            if len(found) == pages:
                return found
    raster = _run(
        ["pdftoppm", "-r", str(OCR_DPI), "-gray", "-png", str(path), str(folder / "page")]
    )
    if raster.returncode != 0:
        raise UnreadableLetter(
            "damaged", "This PDF could not be opened. It may be damaged; upload another copy."
        )
    return sorted(folder.glob("page*.png"))


def _pdf_text(path: Path, pages: int) -> tuple[str, bool]:
    result = _run(["pdftotext", "-enc", "UTF-8", str(path), "-"])
    text = result.stdout.decode("utf-8", "replace") if result.returncode == 0 else ""
    if _letters(text) >= MIN_CHARS_PER_PAGE * pages:
        return text, False
    with tempfile.TemporaryDirectory(prefix="dsar-ocr-") as tmp:
        images = _page_images(path, pages, Path(tmp))
        texts = [_ocr_image(image) for image in images]
    return "\f".join(texts), True


def letter_text(path: Path, content_type: str) -> LetterText:
    """Read the letter's text from a PDF (text layer, else OCR) or a JPEG/PNG photo (OCR)."""
    started = time.perf_counter()
    missing = tools_missing()
    if missing:
        raise UnreadableLetter(
            "tools_missing",
            "Letters cannot be read on this server: " + ", ".join(missing) + " is not installed.",
        )
    if not path.exists() or path.stat().st_size == 0:
        raise UnreadableLetter("empty", "The file is empty.")
    if content_type == "application/pdf":
        pages = _pdf_pages(path)
        if pages == 0:
            raise UnreadableLetter("empty", "This PDF has no pages.")
        if pages > MAX_PAGES:
            raise UnreadableLetter(
                "too_long",
                f"This document has {pages} pages; letters of up to {MAX_PAGES} pages are read. "
                "Upload the letter itself (its first pages) and attach the released records "
                "separately.",
            )
        text, ocr = _pdf_text(path, pages)
    elif content_type in ("image/jpeg", "image/png"):
        pages, ocr = 1, True
        text = _ocr_image(path)
    else:
        raise UnreadableLetter(
            "wrong_type", "Only PDF files and JPEG or PNG photos of a letter can be read."
        )
    if _letters(text) < MIN_LETTER_CHARS:
        raise UnreadableLetter(
            "no_text",
            "No text could be found in this file. If it is a photo or scan, upload a sharper, "
            "well-lit image of the whole page.",
        )
    return LetterText(text=text, pages=pages, ocr=ocr, seconds=time.perf_counter() - started)
