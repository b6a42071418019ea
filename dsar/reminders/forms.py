from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderPreference


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("Send reminders by e-mail"), required=False)
    in_app_enabled = forms.BooleanField(
        label=_("Show reminders in my notifications list"), required=False
    )
    offsets = forms.CharField(
        label=_("Remind me this many days before each deadline"),
        help_text=_("Comma-separated numbers of days between 1 and 30, for example 7,1."),
        max_length=64,
    )
    digest = forms.ChoiceField(
        label=_("E-mail frequency"), choices=ReminderPreference.Digest.choices
    )

    def clean_offsets(self) -> list[int]:
        values = []
        for part in self.cleaned_data["offsets"].split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 30:
                raise forms.ValidationError(_("Use whole numbers of days between 1 and 30."))
            values.append(int(part))
        if not values:
            raise forms.ValidationError(_("Give at least one number of days."))
        return sorted(set(values), reverse=True)
