from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .selectors import organization_requiring_mfa_of

# Pages a member must still reach to set up a second factor, sign out or change language.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


class OrganizationMfaMiddleware:
    """Members of an organization that requires two factors see nothing else until they set one
    up: every other page redirects to the two-factor settings with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            organization = organization_requiring_mfa_of(user=user)
            if organization is not None:
                text = _(
                    "%(organization)s requires two-factor authentication. Set up an "
                    "authenticator app or a passkey to see your cases again."
                ) % {"organization": organization}
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": text}, status=403)
                messages.warning(request, text)
                return redirect("mfa_index")
        return self.get_response(request)
