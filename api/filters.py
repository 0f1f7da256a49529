"""Filtering shared by every list: object ids checked before the database sees them, and
the API's filter backend, with bad values answering 400."""

from decimal import Decimal

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# The largest id a database key holds: bigger numbers are refused as invalid (400),
# not passed to the database, which would fail on them.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number, checked before it reaches the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend. Invalid filters answer 400 with each field's messages, and
    numbers too big for any database key are refused here, before the database sees them."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and filterset.is_valid():
            for name, value in filterset.form.cleaned_data.items():
                number = isinstance(value, int | Decimal) and not isinstance(value, bool)
                if number and abs(value) > MAX_ID:
                    raise ValidationError({name: ["Enter a smaller number."]})
        return filterset
