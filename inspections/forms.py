"""Upload form for importing an inspection report."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from actions.forms import GDSForm

from .models import Force


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
