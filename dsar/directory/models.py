"""The directory: regimes, agencies, channels and record systems, each fact with its source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.models import TimeStampedModel


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

    class Meta:
        ordering = ["country", "name"]
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.abbreviation} — {self.name}" if self.abbreviation else self.name


class RecordSystem(SourcedFact, TimeStampedModel):
    """A system of records holding biometric or identity data (IDENT/HART, TVS, NGI…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="record_systems")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
