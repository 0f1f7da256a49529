"""Form building blocks every page uses: GOV.UK Design System rendering and date inputs."""

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError


class GDSForm(forms.Form):
    """Renders with the GOV.UK Design System pack; the page supplies <form> and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def add_model_errors(self, error: ValidationError) -> None:
        """Show a model rule's refusal next to the field it is about."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


def date_field(label, *, required=True, hint=""):
    """A GOV.UK date input (day, month, year boxes) whose error names the date."""
    field = DateInputField(label=label, required=required, help_text=hint, require_all_fields=False)
    field.error_messages["required"] = f"Enter the {label.lower()}"
    return field


def to_date(value):
    """DateInputField gives a date, or None when every box is blank."""
    return value if isinstance(value, dt.date) else None
