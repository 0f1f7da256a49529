"""Form building blocks every page uses: GOV.UK Design System rendering and date inputs."""

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from .limits import DATE_RANGE_MESSAGE, INT_MAX, check_date


class GDSForm(forms.Form):
    """Renders with the GOV.UK Design System pack; the page supplies <form> and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper = None
        for field in self.fields.values():
            # The GOV.UK wording for text over its limit (ui/limits.py holds the limits).
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"Enter {field.max_length:,} characters or fewer"
                )
            # Every whole number is bounded, so none reaches the database too big for it.
            if isinstance(field, forms.IntegerField):
                if field.max_value is None:
                    field.validators.append(MaxValueValidator(INT_MAX))
                if field.min_value is None:
                    field.validators.append(MinValueValidator(-INT_MAX))

    @property
    def helper(self) -> FormHelper:
        # Built when the page renders, so fields a subclass adds or removes after this
        # __init__ (date inputs, a force choice) are laid out too.
        if self._helper is None:
            self._helper = FormHelper(self)
            self._helper.form_tag = False
        return self._helper

    @helper.setter
    def helper(self, value: FormHelper) -> None:
        self._helper = value

    def add_model_errors(self, error: ValidationError) -> None:
        """Show a model rule's refusal next to the field it is about."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class BoundedDateField(DateInputField):
    """The GOV.UK date input, refusing dates that cannot be meant.

    Any number of digits passes the boxes' own check, so a huge year or day would reach
    datetime.date (OverflowError); here each box is checked first, and the date must fall
    between YEAR_MIN and YEAR_MAX (ui/limits.py).
    """

    def compress(self, data_list):
        day, month, year = data_list
        if day and month and year:
            try:
                day, month, year = int(day), int(month), int(year)
            except (TypeError, ValueError) as error:
                raise ValidationError("Enter a real date", code="invalid") from error
            if not (1 <= month <= 12):
                raise ValidationError("The month must be a number from 1 to 12", code="invalid")
            if not (1 <= day <= 31):
                raise ValidationError("The day must be a number from 1 to 31", code="invalid")
            if not (1 <= year <= 9999):
                raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
            try:
                value = dt.date(year, month, day)
            except ValueError as error:
                raise ValidationError("Enter a real date", code="invalid") from error
            return check_date(value)
        return None


def date_field(label, *, required=True, hint=""):
    """A GOV.UK date input (day, month, year boxes) whose error names the date."""
    field = BoundedDateField(
        label=label, required=required, help_text=hint, require_all_fields=False
    )
    field.error_messages["required"] = f"Enter the {label.lower()}"
    return field


def to_date(value):
    """DateInputField gives a date, or None when every box is blank."""
    return value if isinstance(value, dt.date) else None


def form_status(*forms_shown) -> int:
    """The status of a page showing forms: 400 when a submitted one was refused, so a
    refusal is told apart from a page simply shown (by people's tools and by tests), and
    409 when it lost a race with someone else's change (the view sets form.conflict)."""
    if any(getattr(f, "conflict", False) for f in forms_shown):
        return 409
    return 400 if any(f.is_bound and f.errors for f in forms_shown) else 200
