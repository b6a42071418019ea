import datetime

import factory

from dsar.accounts.models import Membership, Organization, User
from dsar.cases.models import Case, Proceeding, RequestType
from dsar.directory.models import Agency, RecordSystem, Regime


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct horse battery")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)


class RegimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regime
        django_get_or_create = ("code",)

    code = "us-foia"
    name = "US Freedom of Information Act"
    country = "US"
    citation = "5 U.S.C. § 552"
    status = "verified"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = "cbp"
    name = "U.S. Customs and Border Protection"
    abbreviation = "CBP"
    country = "US"


class RecordSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordSystem
        django_get_or_create = ("code",)

    code = "tvs"
    name = "Traveler Verification Service"
    agency = factory.SubFactory(AgencyFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Face match failed at the border #{n}")
    subject_name = "Ana María Pérez"
    subject_nationality = "MX"
    subject_us_status = "none"


class ProceedingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proceeding

    case = factory.SubFactory(CaseFactory)
    regime = factory.SubFactory(RegimeFactory)
    agency = factory.SubFactory(AgencyFactory)
    request_type = RequestType.ACCESS


def days_ago(n: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=n)
