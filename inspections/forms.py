"""Forms for inspections: importing a report, and a finding's oversight (board, inspectorate)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from forces.models import Board, Force
from ui.forms import GDSForm

from .models import InspectorateStatus


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
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = InspectorateStatus.choices
