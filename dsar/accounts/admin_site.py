"""The Django admin behind the same door as everyone else: allauth's login (with its rate limits
and second factor), and for staff a session that was signed in with a second factor."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .selectors import session_used_second_factor, user_has_second_factor


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and session_used_second_factor(request=request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or request.POST.get(REDIRECT_FIELD_NAME)
        if not next_url or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        query = urlencode({REDIRECT_FIELD_NAME: next_url})
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{query}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not user_has_second_factor(user=user):
            messages.warning(
                request,
                _("The administration is only open to staff who use two-factor authentication."),
            )
            return redirect("mfa_index")
        if not session_used_second_factor(request=request):
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return redirect(next_url)
