"""The API's filter backend: the shared FilterSets, with bad values answering 400."""

from decimal import Decimal

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from inspections.filters import MAX_ID


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
