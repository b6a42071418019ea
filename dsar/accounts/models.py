import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.crypto import EncryptedTextField, unseal
from dsar.core.models import TimeStampedModel, WorkRow, work_indexes
from dsar.core.work import WorkKind, register


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account, identified by e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Closed cases of mine (not shared with an organization) are deleted this many days after
    # they were closed; empty keeps them until I delete them.
    retention_days = models.PositiveIntegerField(
        _("delete my closed cases after (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep closed cases until you delete them."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self) -> str:
        return self.display_name or self.email


class Organization(TimeStampedModel):
    """A clinic or advocacy group whose members share cases."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    require_mfa = models.BooleanField(
        _("members must use two-factor authentication"),
        default=False,
        help_text=_("Members without a second factor must set one up before they see any case."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        ADVOCATE = "advocate", _("Advocate")
        VIEWER = "viewer", _("Viewer")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ADVOCATE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the token is stored; the short prefix, shown in
    the list, finds the row without scanning. The full token is shown once, when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    read_only = models.BooleanField(_("read-only"), default=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def token_digest(token: str) -> str:
    """Invitation tokens are stored as their SHA-256: the database alone cannot accept one."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TimeStampedModel):
    """An invitation to join an organization, accepted (or declined) by the invitee.

    Nobody becomes a member without accepting. The invitee is found by the e-mail address the
    invitation was sent to, whether or not an account used it at the time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Withdrawn")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(max_length=16, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(status="pending"),
                name="uniq_pending_invitation",
            )
        ]
        indexes = [models.Index(fields=["email", "status"], name="invitation_email_status")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.status})"


class DataExport(WorkRow, TimeStampedModel):
    """One export of everything of mine, built by a task into a zip file. The row is a unit of
    background work (``dsar.core.work``): claimed with a lease, published again by the work
    sweep when its message was lost or its worker died."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Encrypted on disk like documents: sealed with its own AES-GCM data key, kept here wrapped
    # by the master key (see ``dsar.core.crypto``). ``size`` is that of the plaintext zip.
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    file_key = EncryptedTextField(blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = work_indexes("export")

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.status})"

    def read_content(self) -> bytes:
        """The decrypted zip (raises ``DecryptionError`` rather than return ciphertext)."""
        with self.file.open("rb") as handle:
            return unseal(handle.read(), self.file_key)


DATA_EXPORT = register(
    WorkKind(
        name="export",
        label=_("Data exports"),
        model="accounts.DataExport",
        task="dsar.accounts.tasks.build_data_export",
        running=DataExport.Status.RUNNING,
    )
)


class ClientConsent(TimeStampedModel):
    """A client's written consent for a representative to act for them, kept on the case.

    A letter prepared for a client (see ``dsar.accounts.services.letter_requires_consent``)
    needs a consent that is signed, not revoked, not expired and covers the letter's regime."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    scope = models.TextField(_("what the client authorises"))
    regimes = models.ManyToManyField(
        "directory.Regime", related_name="+", verbose_name=_("legal regimes covered")
    )
    signed_on = models.DateField(_("date signed"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    document = models.ForeignKey(
        "letters.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed consent"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"consent of {self.signed_on} for case {self.case_id}"

    def is_valid_on(self, day) -> bool:
        return (
            self.revoked_at is None
            and self.signed_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )
