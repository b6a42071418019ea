import datetime

import factory
from django.utils import timezone

from dsar.cases.models import Clock
from tests.factories import ProceedingFactory


class ClockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clock

    proceeding = factory.SubFactory(ProceedingFactory)
    code = factory.Sequence(lambda n: f"us-foia-response-{n}")
    label = "Agency must answer"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))
    state = Clock.State.RUNNING
    citation = "5 U.S.C. § 552(a)(6)(A)(i)"
    rule_status = "VERIFIED"
    explanation = factory.LazyFunction(dict)
    inputs = factory.LazyFunction(dict)
    computed_at = factory.LazyFunction(timezone.now)


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
