from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dsar.directory.countries import is_country_code
from dsar.directory.planner import situation_choices


def clean_country_code(value: str | None, *, allow_eu: bool = False) -> str:
    """Upper-cased ISO 3166-1 alpha-2 code (or "EU" where allowed), or a clear error."""
    value = (value or "").strip().upper()
    if value and not (is_country_code(value) or (allow_eu and value == "EU")):
        raise forms.ValidationError(_("Use a two-letter ISO country code, such as MX."))
    return value


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
    date = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
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

    def clean_date(self):
        from django.utils import timezone

        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
