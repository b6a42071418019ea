"""Documents: generated letters and reports, and uploaded files, each with its SHA-256."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.models import TimeStampedModel


def document_path(instance: "Document", filename: str) -> str:
    return f"documents/{instance.case_id}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


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
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
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


class LetterRequest(TimeStampedModel):
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
    # Only the user-editable inputs; identity data stays encrypted on the case.
    inputs = models.JSONField(default=dict)
    inputs_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
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

    def __str__(self) -> str:
        return f"{self.code}.{self.language} ({self.status})"
