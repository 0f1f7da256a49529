"""How much input PEELtrack accepts: every text length, number and date range in one place.

Forms, API serializers and models all read these constants, so a limit is changed here
and nowhere else. Text fields that are TextField in the database carry their limit as
`max_length` (admin and model forms use it) and `check_lengths` refuses an over-long
value when any model is saved, so a service called without a form is held to it too.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# --- text, in characters ----------------------------------------------------------------
TITLE_MAX = 200  # an action's or meeting's title
NOTE_MAX = 5_000  # a progress note (and the hold reason it becomes)
SUMMARY_MAX = 5_000  # a closing summary
DESCRIPTION_MAX = 5_000  # an action's or a piece of evidence's description
RATIONALE_MAX = 5_000  # a board's reason for a decision
REASON_MAX = 5_000  # why an extension is needed; why a finding is withdrawn
FINDING_TEXT_MAX = 10_000  # a finding's or recommendation's words, and its lead-in
QUERY_VALUE_MAX = 1_000  # one value in a query string: filters and searches are short

# --- numbers ------------------------------------------------------------------------------
PROGRESS_MIN, PROGRESS_MAX = 0, 100
# A version or id larger than this cannot be real (a 32-bit database integer).
INT_MAX = 2**31 - 1

# --- dates --------------------------------------------------------------------------------
YEAR_MIN, YEAR_MAX = 2000, 2100
DATE_MIN, DATE_MAX = dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MAX, 12, 31)
DATE_RANGE_MESSAGE = f"Enter a date between {YEAR_MIN} and {YEAR_MAX}"


def too_long(max_length: int, length: int) -> str:
    """The message for text over its limit, the same wherever it is refused."""
    return f"Enter {max_length:,} characters or fewer (you entered {length:,})"


def check_date(value: dt.date | None) -> dt.date | None:
    """Refuse a date outside YEAR_MIN to YEAR_MAX, with a message that says so."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
    return value


def date_validators() -> list:
    """Validators for a date field in a form or serializer."""
    return [
        MinValueValidator(DATE_MIN, message=DATE_RANGE_MESSAGE),
        MaxValueValidator(DATE_MAX, message=DATE_RANGE_MESSAGE),
    ]


def check_lengths(instance: models.Model) -> None:
    """Refuse saving text longer than its field's max_length (TextField included).

    PostgreSQL enforces a CharField's limit itself (with a DataError); TextField limits and
    SQLite are enforced nowhere else, so every save of a model passes through here.
    """
    errors = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > field.max_length:
            errors[field.name] = too_long(field.max_length, len(value))
    if errors:
        raise ValidationError(errors)


def check_lengths_on_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver for check_lengths (fixtures, loaded raw, are trusted)."""
    if not raw:
        check_lengths(instance)
