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
    Must exceed the task time limit so a slow but alive send is never duplicated."""
    return _int("DSAR_REMINDER_LEASE_SECONDS", 600)


def reenqueue_seconds() -> int:
    """A pending reminder whose task was enqueued longer ago than this is enqueued again (the
    broker may have lost the message, e.g. a Redis restart without persistence)."""
    return _int("DSAR_REMINDER_REENQUEUE_SECONDS", 900)


def retry_backoff_seconds(attempt: int) -> int:
    return min(60 * 2 ** max(attempt - 1, 0), 6 * 3600)
