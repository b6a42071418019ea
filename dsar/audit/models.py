"""The audit log: who viewed, changed, downloaded, exported or shared which case or document.

Append-only. Entries point at cases, documents and users without database constraints and
without cascades, so deleting a case, a document or an account never deletes the trail about
it; on PostgreSQL a trigger refuses any UPDATE or DELETE of the table."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    # bulk_update goes through update(); bulk_create is allowed (it only appends).


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        CREATE = "create", _("created")
        DOWNLOAD = "download", _("downloaded")
        UPLOAD = "upload", _("uploaded")
        EXPORT = "export", _("exported")
        SHARE = "share", _("changed the sharing of")
        DELETE = "delete", _("deleted")
        CONSENT = "consent", _("recorded a consent for")
        CONSENT_REVOKE = "consent_revoke", _("revoked a consent for")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text so the trail still names the person after their account is deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    document = models.ForeignKey(
        "letters.Document",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # What was touched, without its content: field names, the organization moved to, a title.
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="audit_case_time"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_email} {self.action} case {self.case_id} at {self.created_at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")
