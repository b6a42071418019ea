"""Forms validate and explain; they never save (the services do)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dsar.core.widgets import DateInput
from dsar.directory.models import Agency, RecordSystem, Regime
from dsar.directory.templatetags.directory_tags import local_label, local_name

from .models import Case, Channel, EventKind, Outcome, Proceeding, ProceedingStatus


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
    subject_present_in = forms.CharField(
        label=_("Country where the person is now"),
        max_length=60,
        required=False,
        help_text=_(
            "Two-letter country code; Canada's Privacy Act covers anyone present in Canada."
        ),
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
            "subject_present_in",
            "subject_date_of_birth",
            "subject_place_of_birth",
            "subject_a_number",
            "subject_passport_number",
            "subject_address",
            "subject_email",
            "for_client",
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
        # Moving an existing case is a change of sharing, made on the case's sharing page.
        if self.instance.pk or not self.fields["organization"].queryset.exists():
            del self.fields["organization"]


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
        self.fields["regime"].label_from_instance = local_name
        self.fields["agency"].label_from_instance = local_label
        self.fields["record_system"].label_from_instance = local_name
        parents = case.proceedings.select_related("regime", "agency")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EventForm(forms.Form):
    # No preselected kind or date: an untouched form must not record anything.
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
    first_received_on = forms.DateField(
        label=_("First received by another component on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "For a receipt: if the request first reached another component designated to "
            "receive FOIA requests, the clock starts no later than 10 working days after."
        ),
    )
    after_cutoff = forms.BooleanField(
        label=_("Received after the agency's cut-off time"),
        required=False,
        help_text=_("For a receipt at an agency with a cut-off time (such as 5 p.m. Eastern)."),
    )
    extension_days = forms.IntegerField(
        label=_("Extension length"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("For an extension notice: the length it states, in the rule's unit."),
    )
    extended_to = forms.DateField(
        label=_("New due date"),
        required=False,
        widget=DateInput(),
        help_text=_("For an extension notice that states a date instead of a length."),
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
        self.fields["kind"].choices = [("", _("— choose —")), *self.fields["kind"].choices]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class DashboardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Search whole names or exact tracking numbers; parts of words are not found."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *ProceedingStatus.choices]
    )
    regime = forms.ChoiceField(label=_("Regime"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime"].choices = [("", _("Any"))] + [
            (r.code, local_name(r)) for r in Regime.objects.only("code", "name", "name_es")
        ]
        self.fields["agency"].choices = [("", _("Any"))] + [
            (a.code, local_label(a))
            for a in Agency.objects.only("code", "name", "name_es", "abbreviation")
        ]


class SharingForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Shared with organization"),
        queryset=None,
        required=False,
        empty_label=_("Nobody (a personal case)"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        help_text=_(
            "Hand the case to an advocate or administrator of its organization. Leave empty to "
            "keep the current owner."
        ),
    )

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        from dsar.accounts.models import Membership, Organization, User

        self.fields["organization"].queryset = Organization.objects.filter(
            memberships__user=user
        ).order_by("name")
        self.fields["owner"].queryset = (
            User.objects.filter(
                memberships__organization__in=self.fields["organization"].queryset,
                memberships__role__in=(Membership.Role.ADMIN, Membership.Role.ADVOCATE),
            )
            .distinct()
            .order_by("email")
        )


class ConsentForm(forms.Form):
    scope = forms.CharField(
        label=_("What the client authorises"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: requests for my records to CBP and OBIM, and their appeals."),
    )
    regimes = forms.ModelMultipleChoiceField(
        label=_("Legal regimes covered"), queryset=Regime.objects.order_by("name")
    )
    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput(), required=False)
    document = forms.FileField(label=_("Signed consent (scan or PDF)"), required=False)


class CaseDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that the case, its proceedings and its documents are deleted for good."
        )
    )
