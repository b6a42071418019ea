"""Readings of uploaded agency letters: one row per letter read, a unit of background work."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dsar.core.crypto import EncryptedTextField
from dsar.core.models import TimeStampedModel, WorkRow, work_indexes
from dsar.core.work import WorkKind, register


class ResponseReading(WorkRow, TimeStampedModel):
    """The row is the unit of work (``dsar.core.work``): the task claims it with a lease and
    reads the letter once; the work sweep publishes again a row whose message was lost or whose
    worker died."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be read")
        READING = "reading", _("Being read")
        READY = "ready", _("Ready to check")
        FAILED = "failed", _("Could not be read")
        CONFIRMED = "confirmed", _("Recorded")
        DISMISSED = "dismissed", _("Dismissed")

    proceeding = models.ForeignKey(
        "cases.Proceeding", on_delete=models.CASCADE, related_name="readings"
    )
    document = models.OneToOneField(
        "letters.Document", on_delete=models.CASCADE, related_name="reading"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error_code = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    # The letter's text and what was read from it describe the person: encrypted at rest.
    text = EncryptedTextField(blank=True)
    result = EncryptedTextField(blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    ocr = models.BooleanField(default=False)
    seconds = models.FloatField(null=True, blank=True)
    event = models.ForeignKey(
        "cases.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = work_indexes("reading")

    def __str__(self) -> str:
        # Operators see this (the background-work page): no title, no name, nothing of the letter.
        return f"reading {self.pk} of document {self.document_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("responses:reading", args=[self.pk])

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.READING)


READING = register(
    WorkKind(
        name="reading",
        label=_("Agency letters being read"),
        model="responses.ResponseReading",
        task="dsar.responses.tasks.read_letter",
        running=ResponseReading.Status.READING,
    )
)
