"""Throttles counted in the default cache (Redis in production, shared by every process)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRate(SimpleRateThrottle):
    def get_rate(self) -> str:
        # Read at each request, not at import, so the rates follow the settings.
        return settings.DSAR_API_THROTTLE_RATES[self.scope]


class UserThrottle(_SettingsRate):
    """Per user (token or session); anonymous callers are counted by address."""

    scope = "user"

    def get_cache_key(self, request, view) -> str:
        if request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressThrottle(_SettingsRate):
    """Per client address, whoever is signed in: one address cannot spread load over many
    tokens."""

    scope = "address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
