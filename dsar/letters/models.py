"""Documents: generated letters and reports, and uploaded files, each with its SHA-256.

Every file is encrypted on disk with its own data key (see ``dsar.core.crypto``), stored under a
generated name; the SHA-256 is the hash of the plaintext.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.crypto import EncryptedCharField, EncryptedJSONField, EncryptedTextField, unseal
from dsar.core.models import TimeStampedModel, WorkRow, work_indexes
from dsar.core.work import WorkKind, register


def document_path(instance: "Document", filename: str) -> str:
    """A generated name: nothing of the original name or content shows on disk."""
    return f"documents/{instance.case_id}/{uuid.uuid4().hex}.enc"


class Document(TimeStampedModel):
    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Uploaded file")
        LETTER = "letter", _("Generated letter")
        REPORT = "report", _("Case report")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    proceeding = models.ForeignKey(
        "cases.Proceeding",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    event = models.ForeignKey(
        "cases.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = EncryptedCharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = EncryptedCharField(max_length=255, blank=True)
    # The file's own AES-GCM key, encrypted under the master key like any sensitive field.
    file_key = EncryptedTextField(blank=True, editable=False)
    # Detected from the content, never taken from the file name.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=8, blank=True)
    # For generated documents: hash of the canonical inputs and the template version.
    inputs_hash = models.CharField(max_length=64, blank=True)
    template_version = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def read_content(self) -> bytes:
        """The decrypted file (raises ``DecryptionError`` rather than return ciphertext)."""
        with self.file.open("rb") as handle:
            return unseal(handle.read(), self.file_key)


class LetterRequest(WorkRow, TimeStampedModel):
    """One request to render one letter (or the case report) from one set of inputs.

    The row is the idempotency key: the same proceeding, code, language and inputs hash is the
    same letter, rendered once; a redelivered render task finds it ready and does nothing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    proceeding = models.ForeignKey(
        "cases.Proceeding",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letter_requests",
    )
    code = models.CharField(max_length=48)
    language = models.CharField(max_length=8)
    # Only the user-editable inputs (encrypted: they describe the person's story).
    inputs = EncryptedJSONField(default=dict)
    inputs_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error = models.TextField(blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "code", "language", "inputs_hash"],
                condition=models.Q(proceeding__isnull=False),
                name="uniq_letter_request",
            ),
            models.UniqueConstraint(
                fields=["case", "code", "language", "inputs_hash"],
                condition=models.Q(proceeding__isnull=True),
                name="uniq_case_report_request",
            ),
        ]
        indexes = work_indexes("letterreq")

    def __str__(self) -> str:
        return f"{self.code}.{self.language} ({self.status})"


LETTER_RENDER = register(
    WorkKind(
        name="letter",
        label=_("Letter renders"),
        model="letters.LetterRequest",
        task="dsar.letters.tasks.render_letter_request",
        running=LetterRequest.Status.RENDERING,
    )
)
