"""The directory: regimes, agencies, channels and record systems, each fact with its source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.models import TimeStampedModel
from dsar.deadlines.engine import Counting


class FactStatus(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    SECONDARY = "secondary", _("Secondary source")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


class SourcedFact(models.Model):
    """Where a fact came from, when it was last checked, and how sure we are."""

    source = models.TextField(_("source"), blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FactStatus.choices, default=FactStatus.UNCONFIRMED
    )

    class Meta:
        abstract = True


class Regime(SourcedFact, TimeStampedModel):
    """A legal framework under which a person can make a request (US FOIA, GDPR, ARCO…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    country = models.CharField(_("country or area"), max_length=8, help_text="ISO code or EU")
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Agency(SourcedFact, TimeStampedModel):
    """A government body or one of its components."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="components"
    )
    country = models.CharField(_("country"), max_length=8)
    subdivision = models.CharField(_("subdivision"), max_length=16, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    regimes = models.ManyToManyField(Regime, blank=True, related_name="agencies")
    contact_note = models.TextField(
        _("note on contact details"),
        blank=True,
        help_text=_("Shown where the directory has no confirmed channel for this agency."),
    )
    # How this agency counts its deadlines (fact table U-22, U-23), shown in explanations.
    receipt_is_day_one = models.BooleanField(
        _("counts the day of receipt as day one"), default=False
    )
    receipt_cutoff = models.CharField(
        _("receipt cut-off time"),
        max_length=5,
        blank=True,
        help_text=_("HH:MM; later receipts count as received the next working day"),
    )
    receipt_cutoff_timezone = models.CharField(_("cut-off time zone"), max_length=40, blank=True)
    counting_citation = models.CharField(_("counting rule citation"), max_length=300, blank=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.abbreviation} — {self.name}" if self.abbreviation else self.name

    @property
    def counting(self) -> Counting | None:
        """This agency's own day-one and cut-off rules, if it has any (fact table U-22, U-23)."""
        if not (self.receipt_is_day_one or self.receipt_cutoff):
            return None
        return Counting(
            agency=self.abbreviation or self.name,
            receipt_is_day_one=self.receipt_is_day_one,
            cutoff=self.receipt_cutoff,
            cutoff_timezone=self.receipt_cutoff_timezone,
            citation=self.counting_citation,
            status=self.status.upper() if self.status != "secondary" else "VERIFIED-2ND",
        )


class RecordSystem(SourcedFact, TimeStampedModel):
    """A system of records holding biometric or identity data (IDENT/HART, TVS, NGI…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="record_systems")
    description = models.TextField(_("description"), blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    biometrics = models.CharField(_("biometrics held"), max_length=300, blank=True)
    sorn = models.CharField(_("system-of-records notice"), max_length=300, blank=True)
    exemptions = models.TextField(_("Privacy Act exemptions claimed"), blank=True)
    channels = models.ManyToManyField(
        "Channel", blank=True, related_name="record_systems", verbose_name=_("reached through")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChannelKind(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    EMAIL = "email", _("E-mail")
    POSTAL = "postal", _("Post")
    PHONE = "phone", _("Telephone")
    FORM = "form", _("Form")
    IN_PERSON = "in_person", _("In person")


class ChannelPurpose(models.TextChoices):
    REQUEST = "request", _("Requests")
    APPEAL = "appeal", _("Appeals")
    REDRESS = "redress", _("Redress")
    COMPLAINT = "complaint", _("Complaints")
    CHALLENGE = "challenge", _("Challenges and corrections")
    HELP = "help", _("Help line")


class Channel(SourcedFact, TimeStampedModel):
    """One way of reaching an agency for a purpose: a portal, an e-mail, a postal address…"""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ChannelPurpose.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    value = models.TextField(_("value"), help_text=_("URL, e-mail, postal address or number"))
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["agency", "purpose", "position", "code"]

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.get_kind_display()} ({self.get_purpose_display()})"


class IdentityRequirement(SourcedFact, TimeStampedModel):
    """What an agency needs to verify the requester's identity (certification, fingerprints…)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="identity_requirements"
    )
    description = models.TextField(_("description"))
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["agency", "position", "code"]

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.description[:60]}"


class AppealRoute(SourcedFact, TimeStampedModel):
    """Where an appeal or escalation against an agency's answer goes."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="appeal_routes")
    regime = models.ForeignKey(
        Regime, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeal_routes"
    )
    to_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals_received",
        verbose_name=_("goes to"),
    )
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("description"))
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["agency", "position", "code"]

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.description[:60]}"
