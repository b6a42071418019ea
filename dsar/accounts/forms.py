from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.ADVOCATE
    )
