from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.ADVOCATE
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as “nightly export”."),
    )
    read_only = forms.BooleanField(
        label=_("Read-only"),
        required=False,
        help_text=_("A read-only token can read your cases but not change anything."),
    )
    expires_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        help_text=_("Leave blank for a token that lasts until you revoke it."),
    )


class RetentionForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Delete my closed cases after this many days"),
        required=False,
        min_value=30,
        max_value=3650,
        help_text=_(
            "Applies to your personal cases once closed; cases shared with an organization follow "
            "the organization. Leave empty to keep closed cases until you delete them."
        ),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
