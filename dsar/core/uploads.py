"""Upload checks: size limit and type detected from the content, never from the file name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/tiff": "tif",
    "image/heic": "heic",
}


def sniff_content_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def validate_upload(upload) -> str:
    """Return the detected content type, or raise ValidationError with a clear message."""
    limit = settings.DSAR_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type not in ALLOWED_TYPES and content_type != "text/plain":
        raise ValidationError(
            _(
                "This kind of file is not accepted. "
                "Upload a PDF, PNG, JPEG, TIFF or plain-text file."
            )
        )
    return content_type
