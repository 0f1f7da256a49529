"""Forms for bringing an action plan in: the upload, then which column holds what."""

from django import forms

from inspections.models import Inspection
from ui.forms import GDSForm
from ui.upload_safety import check_upload

from .fields import FIELDS, check_mapping


class PlanUploadForm(GDSForm):
    plan = forms.FileField(
        label="Upload the action plan",
        help_text="An Excel workbook (.xlsx) or a CSV file. PEELtrack reads the first sheet; "
        "the first row with anything in it must name the columns.",
        error_messages={
            "required": "Choose the action plan to upload",
            "empty": "The selected file is empty",
        },
    )
    force = forms.ModelChoiceField(
        label="Which force's plan is it?", queryset=None, empty_label=None
    )
    inspection = forms.ModelChoiceField(
        label="Which inspection does it answer? (optional)",
        queryset=Inspection.objects.none(),
        required=False,
        empty_label="Each row says (an Inspection column)",
        help_text="Rows that do not name an inspection belong to this one.",
    )

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces
        self.fields["inspection"].queryset = Inspection.objects.filter(
            force__in=forces
        ).select_related("force")
        self.fields["inspection"].label_from_instance = lambda i: (
            f"{i.programme} ({i.force})" if len(forces) > 1 else i.programme
        )
        if len(forces) == 1:
            self.fields["force"].widget = forms.HiddenInput()
            self.fields["force"].initial = forces[0].pk

    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        check_upload(plan)  # a workbook is a zip: archive bombs; and viruses
        return plan

    def clean(self):
        data = super().clean()
        force, inspection = data.get("force"), data.get("inspection")
        if force and inspection and inspection.force_id != force.pk:
            self.add_error("inspection", "Choose an inspection of the force the plan is for")
        return data


NOT_IN_SHEET = ""


class MappingForm(GDSForm):
    """For each PEELtrack field, the column of the sheet that holds it (or none)."""

    def __init__(self, *args, headings: list[str], examples: dict[int, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_SHEET, "Not in this spreadsheet")]
        for index, heading in enumerate(headings):
            sample = ", ".join(examples.get(index, []))
            label = f"{heading} (for example: {sample})" if sample else heading
            choices.append((str(index), label[:120]))
        for spec in FIELDS:
            self.fields[spec.name] = forms.ChoiceField(
                label=spec.label, choices=choices, required=False, help_text=spec.hint
            )

    def mapping(self) -> dict[str, int]:
        return {
            name: int(value)
            for name, value in self.cleaned_data.items()
            if value not in (None, NOT_IN_SHEET)
        }

    def clean(self):
        data = super().clean()
        used: dict[str, str] = {}
        for spec in FIELDS:
            value = data.get(spec.name)
            if value in (None, NOT_IN_SHEET):
                continue
            if value in used:
                self.add_error(
                    spec.name,
                    f"This column is already chosen for {used[value]}: choose each column once",
                )
            used[value] = spec.label
        if not self.errors:
            for problem in check_mapping(self.mapping()):
                field = "title" if "action" in problem else "finding_reference"
                self.add_error(field, problem)
        return data
