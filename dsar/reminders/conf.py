"""Tunables for reminders. Environment variables override settings (useful for operations and for
the worker tests, which shorten the lease)."""

import os

from django.conf import settings

DEFAULT_OFFSETS = (7, 1)
MAX_OFFSET_DAYS = 30
# A missed clock is reported only if it ran out within this many days (keeps the sweep bounded).
MISSED_LOOKBACK_DAYS = 30
# Appeal-filing windows also get a last-minute warning this many days before they close.
APPEAL_EXTRA_OFFSETS = (3,)
MAX_ATTEMPTS = 5


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, getattr(settings, name, default)))


def lease_seconds() -> int:
    """How long a claimed reminder stays 'sending' before another worker may take it over.
    Exceeds the delivery task's time limit, so a slow but alive send is never duplicated."""
    from dsar.core.work import lease_seconds as work_lease_seconds

    return _int("DSAR_REMINDER_LEASE_SECONDS", work_lease_seconds())


def digest_hour() -> int:
    """Digests go out daily at this hour (UTC); weekly ones on Mondays."""
    return _int("DSAR_DIGEST_HOUR", 7)
