from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dsar.core.widgets import DateInput
from dsar.directory.countries import country_code_normalize
from dsar.directory.planner import situation_choices


def clean_country_code(value: str | None, *, allow_eu: bool = False) -> str:
    """Upper-cased ISO 3166-1 alpha-2 code (or "EU" where allowed), or a clear error."""
    try:
        return country_code_normalize(value, allow_eu=allow_eu)
    except ValueError:
        raise forms.ValidationError(_("Use a two-letter ISO country code, such as MX.")) from None


class PlanForm(forms.Form):
    situation = forms.ChoiceField(label=_("What happened?"), choices=())
    nationality = forms.CharField(
        label=_("Nationality"),
        max_length=2,
        help_text=_("Two-letter country code, e.g. MX, CO, DE"),
    )
    us_status = forms.ChoiceField(
        label=_("US status"),
        choices=[
            ("none", _("Neither (not a US citizen or permanent resident)")),
            ("citizen", _("US citizen")),
            ("lpr", _("US lawful permanent resident (green card)")),
        ],
        initial="none",
    )
    residence = forms.CharField(
        label=_("Country of residence"),
        max_length=2,
        required=False,
        help_text=_("Two-letter country code (optional)"),
    )
    present_in = forms.CharField(
        label=_("Country where you are now"),
        max_length=2,
        required=False,
        help_text=_(
            "Two-letter country code (optional). Some laws turn on where you are, not where "
            "you live: Canada's Privacy Act covers anyone present in Canada."
        ),
    )
    screened_us = forms.BooleanField(
        label=_("I was stopped, delayed or sent to secondary screening travelling to the US"),
        required=False,
    )
    date = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        widget=DateInput(),
    )
    place = forms.CharField(
        label=_("Where did it happen?"),
        max_length=200,
        required=False,
        help_text=_("Airport, border crossing, office…"),
    )
    details = forms.CharField(
        label=_("Anything else (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation"].choices = situation_choices(get_language() or "en")

    def clean_nationality(self) -> str:
        return clean_country_code(self.cleaned_data.get("nationality"))

    def clean_residence(self) -> str:
        return clean_country_code(self.cleaned_data.get("residence"))

    def clean_present_in(self) -> str:
        return clean_country_code(self.cleaned_data.get("present_in"))

    def clean_date(self):
        from django.utils import timezone

        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class PlanClientForm(forms.Form):
    """Whom the case is about: an existing client, a new client, or the user themself."""

    client = forms.ChoiceField(
        label=_("Client"),
        required=False,
        help_text=_("Pick a client you already have, or enter a new one below."),
    )
    client_name = forms.CharField(
        label=_("New client's full name"),
        max_length=200,
        required=False,
        help_text=_("As on their identity documents; the letters are written in this name."),
    )
    client_address = forms.CharField(
        label=_("Client's postal address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    client_email = forms.EmailField(label=_("Client's e-mail"), required=False)
    client_date_of_birth = forms.DateField(
        label=_("Client's date of birth"),
        required=False,
        widget=DateInput(),
        help_text=_("US requests need it to verify identity; it is stored encrypted."),
    )
    for_myself = forms.BooleanField(
        label=_("This case is about me (I am the person the records are about)"),
        required=False,
    )
    case_title = forms.CharField(
        label=_("Case title"),
        max_length=200,
        required=False,
        help_text=_("Leave blank for the situation and the client's name."),
    )

    def __init__(self, *args, clients: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", _("A new client"))] + [
            (str(c["case_id"]), c["name"]) for c in clients
        ]
