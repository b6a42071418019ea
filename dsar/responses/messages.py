"""What to tell the person when a letter cannot be read, in their language, by the reader's code
(the pure reader in ``text.py`` speaks English to the shell)."""

from django.utils.translation import gettext_lazy as _

from .text import MAX_PAGES

UNREADABLE = {
    "empty": _("The file is empty."),
    "encrypted": _(
        "This PDF is protected by a password. Save an unprotected copy (or print it to PDF) "
        "and upload that."
    ),
    "damaged": _("This PDF could not be opened. It may be damaged; upload another copy."),
    "too_long": _(
        "This document is longer than %(max)s pages. Upload the letter itself (its first pages) "
        "and attach the released records separately."
    ),
    "no_text": _(
        "No text could be found in this file. If it is a photo or scan, upload a sharper, "
        "well-lit image of the whole page."
    ),
    "unreadable_image": _("This image could not be read. Upload a clearer scan or photo."),
    "wrong_type": _("Only PDF files and JPEG or PNG photos of a letter can be read."),
    "tools_missing": _(
        "Letters cannot be read on this server right now. The administrators have been told."
    ),
    "error": _("Reading this letter failed. Try again; if it fails again, record it by hand."),
}


def unreadable_message(code: str) -> str:
    message = UNREADABLE.get(code, UNREADABLE["error"])
    return str(message) % {"max": MAX_PAGES} if code == "too_long" else str(message)
