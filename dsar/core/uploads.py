"""Upload checks: the whole file is read and its type detected from the content, never from the
file name. Only PDF, PNG, JPEG, TIFF, HEIC and plain text are accepted; markup (HTML, SVG, XML),
executables and scripts are refused even when disguised under another extension or appended to
an accepted file. The services call these checks; the rules live here, once."""

import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Detected type → the extension a download gets (the uploaded name's extension is never used).
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/tiff": "tif",
    "image/heic": "heic",
    "text/plain": "txt",
}

# Executable formats, recognised anywhere in the file (a text or an image followed by a program).
_EXECUTABLE = re.compile(
    rb"\x7fELF[\x01\x02][\x01\x02]\x01"  # ELF: class, byte order, version
    rb"|PE\x00\x00(?:\x4c\x01|\x64\x86|\x64\xaa|\xc4\x01)"  # PE signature + i386/amd64/arm64/arm
    rb"|This program cannot be run in DOS mode"
    rb"|\xcf\xfa\xed\xfe[\x07\x0c]\x00\x00[\x00\x01]"  # Mach-O 64, little-endian x86_64/arm64
    rb"|\xce\xfa\xed\xfe[\x07\x0c]\x00\x00\x00"  # Mach-O 32
    rb"|\xca\xfe\xba\xbe\x00\x00\x00[\x01-\x14]"  # Mach-O universal binary
)
# Cheap substring tests first: the regular expression runs only when one of them is present.
_EXECUTABLE_HINTS = (b"\x7fELF", b"PE\x00\x00", b"DOS mode", b"\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
# Starts of files that run: a script with a shebang, a DOS/PE program.
_EXECUTABLE_START = (b"#!", b"MZ")
# Markup a browser would render or run (HTML, SVG, XML with scripts), anywhere in a text file;
# matched against the lower-cased text.
_MARKUP_TAG = re.compile(
    rb"<(?:\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|frame|object|embed|meta|link"
    rb"|style|img|form|math|xsl|template|base)\b|!\[cdata\[)"
)
_SCRIPT_URL = re.compile(rb"javascript\s*:")
_ATTRIBUTE = re.compile(rb"=\s*[\"']")
_EVENT_HANDLER = re.compile(rb"\bon[a-z]+\s*=\s*[\"']")
# Control characters never found in plain text (tab, line feed, form feed, carriage return are).
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def _has_executable(content: bytes) -> bool:
    if content.startswith(_EXECUTABLE_START):
        return True
    return any(hint in content for hint in _EXECUTABLE_HINTS) and bool(_EXECUTABLE.search(content))


def _has_markup(content: bytes) -> bool:
    lowered = content.lower()
    if b"<" in lowered and _MARKUP_TAG.search(lowered):
        return True
    if b"javascript" in lowered and _SCRIPT_URL.search(lowered):
        return True
    return bool(_ATTRIBUTE.search(lowered)) and bool(_EVENT_HANDLER.search(lowered))


def _has_control_characters(content: bytes) -> bool:
    return len(content.translate(None, _CONTROL)) != len(content)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, read once: its bytes and what they are."""

    name: str
    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return ALLOWED_TYPES[self.content_type]

    @property
    def size(self) -> int:
        return len(self.content)


def _refuse() -> ValidationError:
    return ValidationError(
        _(
            "This kind of file is not accepted. "
            "Upload a PDF, PNG, JPEG, TIFF, HEIC or plain-text file."
        )
    )


def _trailer(content_type: str, content: bytes) -> bytes:
    """What follows the end of an image or PDF. Phones and scanners append harmless data there
    (a motion photo's video, padding); a smuggled page or program is refused by the caller."""
    if content_type == "image/png":
        end = content.rfind(b"IEND")
        return content[end + 8 :] if end != -1 else b""
    if content_type == "image/jpeg":
        end = content.rfind(b"\xff\xd9")
        return content[end + 2 :] if end != -1 else b""
    if content_type == "application/pdf":
        end = content.rfind(b"%%EOF")
        return content[end + 5 :] if end != -1 else b""
    return b""


def detect_content_type(content: bytes) -> str | None:
    """The type of the whole file, or None when it is not one we accept."""
    if _has_executable(content):
        return None
    kind = filetype.guess(content[:8192])
    if kind is not None:
        mime = kind.mime
    elif content.startswith(b"%PDF-"):
        mime = "application/pdf"
    else:
        mime = "text/plain"
    if mime == "text/plain":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if _has_control_characters(content) or _has_markup(content):
            return None
        return mime
    if mime not in ALLOWED_TYPES or _has_markup(_trailer(mime, content)):
        return None
    return mime


def check_upload(upload) -> CheckedUpload:
    """Read and check one uploaded file; raise ValidationError with a clear message."""
    limit = settings.DSAR_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    content_type = detect_content_type(content)
    if content_type is None:
        raise _refuse()
    name = (upload.name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:150]
    return CheckedUpload(name=name, content=content, content_type=content_type)


def check_total_size(sizes) -> None:
    total = sum(sizes)
    limit = settings.DSAR_UPLOAD_MAX_TOTAL_BYTES
    if total > limit:
        raise ValidationError(
            _("These files are too large together (%(size)s); the limit is %(limit)s at once.")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )


class RequestSizeLimitHandler(FileUploadHandler):
    """Refuse a request body far above the upload limits before reading it (the services check
    the exact limits and explain them; this only stops a huge body from being received)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        cap = settings.DSAR_UPLOAD_MAX_TOTAL_BYTES + 1024 * 1024
        if content_length and content_length > cap:
            raise RequestDataTooBig(
                "Request body exceeded DSAR_UPLOAD_MAX_TOTAL_BYTES; see the upload limits."
            )
        return None

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
