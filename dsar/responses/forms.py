from django import forms
from django.utils.translation import gettext_lazy as _

from dsar.cases.forms import EventForm


class LetterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The agency's letter"),
        help_text=_("A PDF, or a JPEG or PNG photo of the letter. Up to 10 pages are read."),
    )


class ConfirmForm(EventForm):
    """The event form, prefilled with what was read; the letter itself is already attached."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["documents"]
