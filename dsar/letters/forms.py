from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import FIELDS, LetterSpec


class LetterForm(forms.Form):
    """The editable parts of one letter, built from the registry. Required inputs are checked
    by the service (so that the message lists everything missing at once), not here."""

    def __init__(self, *args, spec: LetterSpec, **kwargs):
        super().__init__(*args, **kwargs)
        for name in spec.fields:
            f = FIELDS[name]
            if f.kind == "bool":
                field = forms.BooleanField(label=f.label, required=False, help_text=f.help)
            elif f.kind == "choice":
                field = forms.ChoiceField(
                    label=f.label, choices=f.choices, required=False, help_text=f.help
                )
            elif f.kind == "text":
                field = forms.CharField(
                    label=f.label, required=False, max_length=300, help_text=f.help
                )
            else:
                field = forms.CharField(
                    label=f.label,
                    required=False,
                    max_length=5000,
                    help_text=f.help,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            field.letter_required = f.required
            self.fields[name] = field


class ReportForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=(("en", _("English")), ("es", _("Spanish")))
    )
