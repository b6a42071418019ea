"""Forms validate and explain; they never save (the services do)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dsar.directory.forms import clean_country_code
from dsar.directory.models import Agency, RecordSystem, Regime

from .models import Case, Channel, EventKind, Outcome, Proceeding, ProceedingStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CaseForm(forms.ModelForm):
    subject_nationality = forms.CharField(
        label=_("Nationality"),
        max_length=60,
        required=False,
        help_text=_("Two-letter country code, such as MX"),
    )
    subject_residence = forms.CharField(
        label=_("Country of residence"),
        max_length=60,
        required=False,
        help_text=_("Two-letter country code"),
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "subject_name",
            "subject_other_names",
            "subject_nationality",
            "subject_us_status",
            "subject_residence",
            "subject_date_of_birth",
            "subject_place_of_birth",
            "subject_a_number",
            "subject_passport_number",
            "subject_address",
            "subject_email",
            "organization",
            "notes",
            "decision_date",
            "decision_place",
            "decision_system",
            "decision_system_other",
            "decision_description",
            "decision_outcome",
            "decision_references",
        ]
        widgets = {
            "decision_date": DateInput(),
            "subject_address": forms.Textarea(attrs={"rows": 3}),
            "subject_email": forms.EmailInput(),
            "subject_date_of_birth": DateInput(),
            "subject_a_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "subject_passport_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "subject_place_of_birth": forms.TextInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "decision_description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "subject_date_of_birth": _("Stored encrypted; printed only on letters that need it."),
            "subject_a_number": _("Alien Registration Number, if any. Stored encrypted."),
            "subject_passport_number": _("Stored encrypted."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from dsar.accounts.models import Organization

        self.fields["organization"].queryset = Organization.objects.filter(memberships__user=user)
        self.fields["organization"].required = False
        self.fields["decision_system"].queryset = RecordSystem.objects.select_related("agency")
        self.fields["decision_system"].required = False
        if not self.fields["organization"].queryset.exists():
            del self.fields["organization"]

    def clean_subject_nationality(self):
        return clean_country_code(self.cleaned_data["subject_nationality"])

    def clean_subject_residence(self):
        return clean_country_code(self.cleaned_data["subject_residence"])

    def clean_decision_date(self):
        value = self.cleaned_data.get("decision_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean_subject_date_of_birth(self):
        value = (self.cleaned_data.get("subject_date_of_birth") or "").strip()
        if value:
            try:
                born = forms.DateField().clean(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("Enter a valid date (YYYY-MM-DD).")) from exc
            if born > timezone.localdate():
                raise forms.ValidationError(_("The date of birth cannot be in the future."))
            value = born.isoformat()
        return value


class ProceedingForm(forms.ModelForm):
    class Meta:
        model = Proceeding
        fields = [
            "regime",
            "request_type",
            "agency",
            "record_system",
            "parent",
            "title",
            "description",
            "tracking_numbers",
            "expedited",
            "calendar_country",
            "calendar_subdivision",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime"].queryset = Regime.objects.all()
        self.fields["agency"].queryset = Agency.objects.select_related("parent").order_by(
            "country", "name"
        )
        self.fields["record_system"].queryset = RecordSystem.objects.select_related("agency")
        self.fields["record_system"].required = False
        parents = case.proceedings.select_related("regime", "agency")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False

    def clean_calendar_country(self):
        return clean_country_code(self.cleaned_data.get("calendar_country"), allow_eu=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=EventKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
        help_text=_("For a determination or an appeal decision."),
    )
    exemptions = forms.CharField(
        label=_("Exemptions cited"),
        max_length=300,
        required=False,
        help_text=_("For example: (b)(6), (b)(7)(C), (k)(2)"),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        widget=MultipleFileInput(),
        help_text=_("Agency letters or released records: PDF, PNG, JPEG, TIFF or text."),
    )

    def __init__(self, *args, allowed_kinds: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in EventKind.choices if value in allowed_kinds
            ]

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *ProceedingStatus.choices]
    )
    regime = forms.ChoiceField(label=_("Regime"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime"].choices = [("", _("Any"))] + [
            (r.code, r.name) for r in Regime.objects.only("code", "name")
        ]
        self.fields["agency"].choices = [("", _("Any"))] + [
            (a.code, str(a)) for a in Agency.objects.only("code", "name", "abbreviation")
        ]
