from django import forms
from django.utils.translation import get_language


class DateInput(forms.DateInput):
    """A native date picker that speaks the page's language (``lang`` on the input)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("lang", get_language() or "en")
        return context
