from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkRow(models.Model):
    """The bookkeeping every unit of background work carries (see ``dsar.core.work``).

    The row, not the broker message, is the source of truth: ``enqueued_at`` says when a task was
    last published for it, ``lease_until`` how long the worker that claimed it may keep it, and
    ``not_before`` when a retry may start. A periodic sweep re-publishes rows whose message was
    lost and rows whose worker died (lease expired)."""

    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def work_indexes(prefix: str) -> list[models.Index]:
    """The two indexes the sweep reads: waiting rows by enqueue time, claimed rows by lease."""
    return [
        models.Index(fields=["status", "enqueued_at"], name=f"{prefix}_work_enq"),
        models.Index(fields=["status", "lease_until"], name=f"{prefix}_work_lease"),
    ]
