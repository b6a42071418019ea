from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dsar.core.widgets import DateInput
from dsar.deadlines.engine import Pause
from dsar.deadlines.rules import RULES
from dsar.directory.forms import clean_country_code

PAUSE_ROWS = 3


class CalculatorForm(forms.Form):
    clock = forms.ChoiceField(label=_("Deadline"))
    start = forms.DateField(
        label=_("Start date"),
        widget=DateInput(),
        help_text=_("The day the request (or appeal, or determination) was received or issued."),
    )
    country = forms.CharField(
        label=_("Holiday calendar (country)"),
        max_length=8,
        required=False,
        help_text=_("Two-letter code; leave blank for the rule's own country."),
    )
    subdivision = forms.CharField(label=_("Subdivision"), max_length=16, required=False)
    extended = forms.BooleanField(label=_("The extension was invoked"), required=False)
    extension_days = forms.IntegerField(
        label=_("Extension length stated by the agency"),
        min_value=1,
        max_value=366,
        required=False,
        help_text=_("In the rule's unit; leave blank for the full extension."),
    )
    extended_to = forms.DateField(
        label=_("New due date stated by the agency"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    first_received = forms.DateField(
        label=_("First received by another component (FOIA)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A misdirected request: the clock starts no later than 10 working days after."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clock"].choices = [
            (code, f"{gettext(rule.label)} ({rule.citation})") for code, rule in RULES.items()
        ]
        for i in range(PAUSE_ROWS):
            self.fields[f"pause_{i}_from"] = forms.DateField(
                label=_("Paused from"),
                required=False,
                widget=DateInput(),
            )
            self.fields[f"pause_{i}_to"] = forms.DateField(
                label=_("Resumed after"),
                required=False,
                widget=DateInput(),
            )

    def pause_rows(self):
        return [(self[f"pause_{i}_from"], self[f"pause_{i}_to"]) for i in range(PAUSE_ROWS)]

    def clean_country(self):
        return clean_country_code(self.cleaned_data["country"], allow_eu=True)

    def clean(self):
        data = super().clean()
        pauses = []
        for i in range(PAUSE_ROWS):
            start, end = data.get(f"pause_{i}_from"), data.get(f"pause_{i}_to")
            if bool(start) != bool(end):
                self.add_error(f"pause_{i}_to", _("Give both dates of the pause."))
            elif start and end:
                if end < start:
                    self.add_error(f"pause_{i}_to", _("The clock resumes after it was paused."))
                else:
                    pauses.append(Pause(start, end))
        data["pauses"] = pauses
        if data.get("extension_days") and data.get("extended_to"):
            self.add_error(
                "extended_to", _("Give either the length of the extension or the new date.")
            )
        return data


def parse_pause(text: str) -> Pause:
    try:
        start, end = (date.fromisoformat(part) for part in text.split(":"))
    except ValueError as exc:
        raise ValueError(f"A pause is FROM:TO with two dates (YYYY-MM-DD), not '{text}'") from exc
    if end < start:
        raise ValueError(f"The pause {text} ends before it starts")
    return Pause(start, end)
