"""Forms for inspections: importing a report, adding sources and findings by hand, and a
finding's oversight (board, inspectorate)."""

import datetime as dt

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from forces.models import Board, Force
from ui.forms import GDSForm, date_field, to_date
from ui.limits import FINDING_TEXT_MAX, NOTE_MAX, REASON_MAX
from ui.upload_safety import check_upload

from .models import (
    FINDING_EDITABLE,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectorateStatus,
    Judgment,
    Theme,
)
from .services import SOURCE_TYPES_HINT, check_source_upload


class ReportUploadForm(GDSForm):
    report = forms.FileField(
        label="Upload the inspection report",
        help_text="The PDF, the saved web page (.html) or a text/Markdown export of either.",
        error_messages={"required": "Choose the report file to upload"},
    )
    force = forms.ModelChoiceField(
        label="Which force is the report about?",
        queryset=Force.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report.size == 0:
            raise forms.ValidationError("The selected file is empty")
        if report.size > settings.REPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The report must be smaller than {filesizeformat(settings.REPORT_MAX_BYTES)}"
            )
        check_upload(report)  # archive bombs, active PDFs, viruses
        return report


class FindingOversightForm(GDSForm):
    board = forms.ModelChoiceField(
        label="Overseeing board",
        queryset=None,
        required=False,
        empty_label="No board (coordinators sign off)",
    )

    def __init__(self, *args, finding, **kwargs):
        kwargs.setdefault("initial", {"board": finding.board_id})
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(force_id=finding.inspection.force_id)


class InspectorateForm(GDSForm):
    status = forms.ChoiceField(label="The inspectorate's view", widget=forms.RadioSelect)
    note = forms.CharField(
        max_length=NOTE_MAX,
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = InspectorateStatus.choices


class InspectionForm(GDSForm):
    """An inspection or other source of work, added or corrected by hand."""

    force = forms.ModelChoiceField(
        label="Which force is it for?", queryset=Force.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label="What is it?",
        choices=InspectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of source it is"},
    )
    programme = forms.CharField(
        label="Name",
        max_length=100,
        help_text="A short name the force will know it by, for example PEEL 2023–25, "
        "Vetting thematic 2024 or Internal audit: use of force 2025.",
        error_messages={"required": "Enter a name"},
    )
    title = forms.CharField(
        label="Full title (optional)",
        max_length=300,
        required=False,
        help_text="The document's own title.",
    )

    def __init__(self, *args, forces=None, inspection: Inspection | None = None, **kwargs):
        if inspection is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": inspection.kind,
                    "programme": inspection.programme,
                    "title": inspection.title,
                    "published": inspection.published,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["published"] = date_field(
            "Date published or received",
            required=False,
            hint="Optional. For example, 27 3 2025. The PCC's response to an HMICFRS report "
            "is due 56 days after it is published.",
        )
        if inspection is not None or forces is None:
            del self.fields["force"]
        else:
            self.fields["force"].queryset = forces
        self.fields["kind"].initial = InspectionKind.PEEL

    def clean_published(self):
        published = to_date(self.cleaned_data.get("published"))
        if published and published > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError("The date must not be more than a year from now")
        return published

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("kind", "programme", "title", "published")
        }


class SourceForm(GDSForm):
    file = forms.FileField(
        label="Upload the document",
        help_text=f"{SOURCE_TYPES_HINT}. It is kept, with its SHA-256, beside the other sources.",
        error_messages={
            "required": "Choose the document to upload",
            "empty": "The selected file is empty",
        },
    )
    description = forms.CharField(
        label="What is it? (optional)",
        max_length=300,
        required=False,
        help_text="For example: HMICFRS letter closing cause of concern 2, 14 March 2025.",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_source_upload(upload)
        return upload


class FindingForm(GDSForm):
    """A finding added or corrected by hand."""

    kind = forms.ChoiceField(
        label="What kind of finding is it?",
        choices=FindingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of finding it is"},
    )
    reference = forms.CharField(
        label="Reference",
        max_length=20,
        required=False,
        help_text="Optional when adding: PEELtrack numbers it (AFI 7 after AFI 6).",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    lead_in = forms.CharField(
        max_length=FINDING_TEXT_MAX,
        label="Lead-in (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Words the source puts before the finding, such as “The force should make "
        "sure that:” before a list. Shown with the finding.",
    )
    text = forms.CharField(
        max_length=FINDING_TEXT_MAX,
        label="Text",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The source's own words.",
        error_messages={"required": "Enter the finding's text"},
    )
    section = forms.CharField(label="Section (optional)", max_length=300, required=False)
    judgment = forms.ModelChoiceField(
        label="Graded question (optional)",
        queryset=Judgment.objects.none(),
        required=False,
        empty_label="None",
    )
    cause_of_concern = forms.ModelChoiceField(
        label="Answers which cause of concern? (optional)",
        queryset=Finding.objects.none(),
        required=False,
        empty_label="None",
        help_text="For a recommendation made under a cause of concern.",
    )
    theme = forms.ChoiceField(
        label="Theme (optional)", choices=[("", "None"), *Theme.choices], required=False
    )
    timescale = forms.CharField(
        label="Timescale (optional)",
        max_length=100,
        required=False,
        help_text="As the source gives it, for example “within six months”.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, inspection: Inspection, finding: Finding | None = None, **kwargs):
        if finding is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(finding, name) for name in FINDING_EDITABLE}
                | {
                    "judgment": finding.judgment_id,
                    "cause_of_concern": finding.cause_of_concern_id,
                    "version": finding.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.finding = finding
        self.fields["version"].required = finding is not None
        self.fields["judgment"].queryset = inspection.judgments.all()
        parents = inspection.findings.filter(kind=FindingKind.CAUSE_OF_CONCERN)
        if finding is not None:
            parents = parents.exclude(pk=finding.pk)
            self.fields["reference"].required = True
            self.fields["reference"].help_text = ""
            self.fields["reference"].error_messages["required"] = "Enter a reference"
        self.fields["cause_of_concern"].queryset = parents
        self.fields["cause_of_concern"].label_from_instance = lambda f: (
            f"{f.reference}: {f.text[:80]}"
        )
        if finding is not None and finding.national_recommendation_id:
            for name in ("text", "lead_in"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "The national report's words: they cannot be changed."

    def changes(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in FINDING_EDITABLE if name in data} | {
            "text": data["text"].strip(),
            "lead_in": data["lead_in"].strip(),
            "reference": data["reference"].strip(),
        }


class WithdrawForm(GDSForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Why is the finding withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: added twice by mistake; superseded by AFI 4 of PEEL 2023–25.",
        error_messages={"required": "Enter why the finding is withdrawn"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NationalUploadForm(GDSForm):
    report = forms.FileField(
        label="Upload the national report",
        help_text="The PDF, the saved web page (.html) or a text export. Its recommendations "
        "are offered for every force.",
        error_messages={"required": "Choose the report file to upload"},
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report.size == 0:
            raise forms.ValidationError("The selected file is empty")
        if report.size > settings.REPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The report must be smaller than {filesizeformat(settings.REPORT_MAX_BYTES)}"
            )
        check_upload(report)  # archive bombs, active PDFs, viruses
        return report


class NationalReportForm(GDSForm):
    """A national report's details, confirmed on import or entered by hand."""

    title = forms.CharField(
        label="Title",
        max_length=300,
        error_messages={"required": "Enter the report's title"},
    )
    programme = forms.CharField(
        label="Short name",
        max_length=100,
        help_text="How forces see it in their list of inspections, for example "
        "Vetting, misconduct and misogyny 2022.",
        error_messages={"required": "Enter a short name"},
    )
    addressed_to = forms.CharField(
        label="Addressed to",
        max_length=200,
        initial="All chief constables",
        error_messages={"required": "Enter who the recommendations are addressed to"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published"] = date_field(
            "Date published", required=False, hint="Optional. For example, 2 11 2022"
        )

    def clean_published(self):
        return to_date(self.cleaned_data.get("published"))


class NationalRecommendationForm(GDSForm):
    reference = forms.CharField(
        label="Reference (optional)",
        max_length=20,
        required=False,
        help_text="PEELtrack numbers it (Rec 5 after Rec 4) if you leave it empty.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    lead_in = forms.CharField(
        max_length=FINDING_TEXT_MAX,
        label="Lead-in (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: “By 31 March 2023, chief constables should:”.",
    )
    text = forms.CharField(
        max_length=FINDING_TEXT_MAX,
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The report's own words.",
        error_messages={"required": "Enter the recommendation"},
    )
    timescale = forms.CharField(label="Timescale (optional)", max_length=100, required=False)
    theme = forms.ChoiceField(
        label="Theme (optional)", choices=[("", "None"), *Theme.choices], required=False
    )
