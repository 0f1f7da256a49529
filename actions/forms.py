"""Forms for the front office. They validate input; the model methods apply the rules."""

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from ui.forms import GDSForm, date_field, to_date
from ui.limits import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    PROGRESS_MAX,
    PROGRESS_MIN,
    SUMMARY_MAX,
    TITLE_MAX,
)

from .models import RAG, Action, Evidence, Marking, Priority
from .uploads import inspect_upload


class UpdateForm(GDSForm):
    note = forms.CharField(
        max_length=NOTE_MAX,
        label="What has happened since the last update?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a note describing the progress or decision"},
    )
    progress = forms.IntegerField(
        label="Progress (%)",
        required=False,
        min_value=PROGRESS_MIN,
        max_value=PROGRESS_MAX,
        help_text="Optional. A whole number from 0 to 100.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Progress must be a whole number from 0 to 100",
            "min_value": "Progress must be a whole number from 0 to 100",
            "max_value": "Progress must be a whole number from 0 to 100",
        },
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "No change"), *RAG.choices],
        widget=forms.RadioSelect,
        help_text="Red: will miss the due date. Amber: at risk. Green: on track.",
    )
    transition = forms.ChoiceField(
        label="Change the status?", required=False, widget=forms.RadioSelect
    )
    closing_summary = forms.CharField(
        max_length=SUMMARY_MAX,
        label="Closing summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed to submit for closure: what was done, and how the evidence shows it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: Action, user, **kwargs):
        kwargs.setdefault("initial", {"version": action.version, "rag": "", "transition": ""})
        super().__init__(*args, **kwargs)
        self.action = action
        self.user = user
        self.fields["transition"].choices = [("", "No, keep it as it is")] + [
            (t.name, t.label) for t in action.allowed_transitions(user)
        ]
        self.fields["transition"].help_text = (
            f"It is {action.get_status_display().lower()}. Putting an action on hold uses your "
            "note as the reason."
        )

    def save(self):
        data = self.cleaned_data
        return self.action.apply_update(
            by=self.user,
            note=data["note"],
            progress=data["progress"],
            rag=data["rag"] or None,
            transition=data["transition"] or None,
            closing_summary=data["closing_summary"],
            expected_version=data["version"],
        )


class EvidenceForm(GDSForm):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG, JPEG or email.",
        error_messages={"empty": "The selected file is empty"},
    )
    url = forms.URLField(
        label="Or give a link",
        required=False,
        assume_scheme="https",
        help_text="For evidence kept in another system, such as a SharePoint page.",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX,
        label="Describe the evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it is and what it shows.",
        error_messages={"required": "Enter a description of the evidence"},
    )
    effective_date = None  # set in __init__ (a fresh field per form)
    marking = forms.ChoiceField(
        label="Security marking",
        choices=Marking.choices,
        initial=Marking.OFFICIAL,
        widget=forms.RadioSelect,
        help_text="OFFICIAL-SENSITIVE evidence is shown only to the owner, coordinators, "
        "board members and auditors.",
    )
    supersedes = forms.ModelChoiceField(
        label="Is this a new version of evidence already attached?",
        queryset=Evidence.objects.none(),
        required=False,
        empty_label="No, it is new evidence",
        help_text="The earlier version stays in the history.",
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"] = date_field(
            "Effective date",
            hint="The date the evidence applies from: today unless you change it. For "
            "example, 27 3 2020",
        )
        self.fields["effective_date"].initial = timezone.localdate()
        self.order_fields(["file", "url", "description", "effective_date", "marking"])
        self.fields["supersedes"].queryset = action.evidence.current()
        self.action = action
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def clean_file(self):
        # Checked here too, so a bad file is reported with every other error at once.
        upload = self.cleaned_data.get("file")
        if upload:
            inspect_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if "file" not in self.errors and bool(data.get("file")) == bool(data.get("url")):
            self.add_error("file", "Choose a file to upload or enter a link (one of them)")
        return data

    def ask_for_the_file_again(self) -> None:
        """A browser never keeps a chosen file when the page comes back with an error,
        so say so, by name, rather than let the upload go missing unnoticed."""
        upload = self.files.get("file") if self.files else None
        if self.errors and upload and "file" not in self.errors:
            self.add_error(
                "file",
                f"Choose the file again: you chose “{upload.name}”, but it is not kept "
                "when something else on the page needs correcting",
            )


def force_members(force_id: int, *, keep=None):
    """Active action owners of a force, for owner pick-lists (and keep, the action's
    current owner, so editing never drops them). Auditors and board members who own
    nothing are not offered."""
    owners = Q(memberships__force_id=force_id, memberships__role="owner")
    if keep is not None:
        owners |= Q(pk=keep)
    return (
        get_user_model()
        .objects.filter(owners, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class ActionForm(GDSForm):
    title = forms.CharField(
        max_length=TITLE_MAX, error_messages={"required": "Enter a short title for the action"}
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What will be done, and how we will know it is done.",
    )
    owner = OwnerChoiceField(
        queryset=None, required=False, empty_label="Nobody yet", help_text="Who does the work."
    )
    team = forms.CharField(max_length=100, required=False)
    priority = forms.ChoiceField(
        choices=Priority.choices, initial=Priority.MEDIUM, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_date_reason = forms.CharField(
        label="Why is the due date changing? (if it is)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you change the agreed due date: it is kept in the action's "
        "history. The first agreed due date is kept too.",
    )

    def __init__(self, *args, force_id: int, action: Action | None = None, **kwargs):
        if action is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": action.title,
                    "description": action.description,
                    "owner": action.owner_id,
                    "team": action.team,
                    "priority": action.priority,
                    "start_date": action.start_date,
                    "due_date": action.due_date,
                    "version": action.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.action = action
        # Editing needs the version it was based on, so a stale save is refused.
        self.fields["version"].required = action is not None
        self.fields["owner"].queryset = force_members(
            force_id, keep=action.owner_id if action is not None else None
        )
        self.fields["start_date"] = date_field("Start date", required=False)
        self.fields["due_date"] = date_field(
            "Due date", hint="The date agreed for the work to be finished. For example, 31 3 2021"
        )
        if action is None or action.due_date is None:
            del self.fields["due_date_reason"]
        else:  # after the due date, where it belongs
            self.fields["due_date_reason"] = self.fields.pop("due_date_reason")
            self.order_fields([n for n in self.fields if n != "version"] + ["version"])
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def clean_start_date(self):
        return to_date(self.cleaned_data.get("start_date"))

    def clean_due_date(self):
        due = to_date(self.cleaned_data.get("due_date"))
        unchanged = self.action is not None and due == self.action.due_date
        if due and not unchanged and due < timezone.localdate():
            raise ValidationError("The due date must be today or in the future")
        return due

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and start > due:
            self.add_error("due_date", "The due date must be on or after the start date")
        moved = (
            self.action is not None
            and "due_date_reason" in self.fields
            and "due_date" in data
            and data["due_date"] != self.action.due_date
        )
        if moved and not (data.get("due_date_reason") or "").strip():
            self.add_error("due_date_reason", "Enter why the due date is changing")
        return data

    def changes(self) -> dict:
        """The model fields this form sets."""
        names = ["title", "description", "owner", "team", "priority", "start_date", "due_date"]
        return {name: self.cleaned_data[name] for name in names}
