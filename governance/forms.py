"""Forms for board decisions, extension requests and meetings."""

from crispy_forms_gds.helper import FormHelper
from django import forms

from ui.forms import GDSForm, date_field, to_date
from ui.limits import RATIONALE_MAX, REASON_MAX, TITLE_MAX


class DecisionForm(GDSForm):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[("close", "Sign off: the work is done"), ("return", "Return for more work")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to sign off or return the action"},
    )
    rationale = forms.CharField(
        max_length=RATIONALE_MAX,
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded on the action's timeline and in the audit trail. When returning, "
        "say what more is needed.",
        error_messages={"required": "Enter the reason for your decision"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionRequestForm(GDSForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Why does the action need more time?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the action needs more time"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_due_date"] = date_field(
            "New due date", hint="The date you can commit to. For example, 30 6 2021"
        )
        self.order_fields(["new_due_date", "reason"])
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def clean_new_due_date(self):
        return to_date(self.cleaned_data.get("new_due_date"))


class ExtensionDecisionForm(GDSForm):
    approve = forms.TypedChoiceField(
        label="Your decision",
        choices=[("yes", "Approve the new due date"), ("no", "Reject: keep the current date")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or reject the request"},
    )
    rationale = forms.CharField(
        max_length=RATIONALE_MAX,
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for your decision"},
    )


class MeetingForm(GDSForm):
    title = forms.CharField(max_length=TITLE_MAX, required=False, help_text="Optional.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"] = date_field("Meeting date", hint="For example, 14 9 2021")
        self.order_fields(["date", "title"])
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def clean_date(self):
        return to_date(self.cleaned_data.get("date"))
