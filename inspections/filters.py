"""One FilterSet per list of inspection data, shared by the pages, exports and the API."""

import django_filters
from django import forms
from django.db.models import Q

from api.filters import IdFilter
from ui.search import matches

from .models import (
    Finding,
    FindingKind,
    ForceProgress,
    Grade,
    Inspection,
    InspectorateStatus,
    Judgment,
    Pillar,
    Theme,
)


class InspectionFilter(django_filters.FilterSet):
    force = IdFilter(field_name="force_id")
    programme = django_filters.CharFilter(lookup_expr="iexact")
    published_after = django_filters.DateFilter(field_name="published", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published", lookup_expr="lte")

    class Meta:
        model = Inspection
        fields = ["force", "programme", "published_after", "published_before"]


class JudgmentFilter(django_filters.FilterSet):
    inspection = IdFilter(field_name="inspection_id")
    pillar = django_filters.ChoiceFilter(choices=Pillar.choices)
    # A column of the row itself: no join, so no duplicates and no DISTINCT (and no sort).
    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices, distinct=False)

    class Meta:
        model = Judgment
        fields = ["inspection", "pillar", "grade"]


def visible_inspections(request):
    """Inspections the request's user may see, for pick-lists and filters."""
    if request is None:
        return Inspection.objects.none()
    return Inspection.objects.visible_to(request.user).select_related("force")


class FindingFilter(django_filters.FilterSet):
    """Findings: the findings export and the API."""

    q = django_filters.CharFilter(method="search", label="Search")
    inspection = django_filters.ModelChoiceFilter(queryset=visible_inspections, empty_label="Any")
    kind = django_filters.ChoiceFilter(choices=FindingKind.choices, empty_label="Any")
    theme = django_filters.ChoiceFilter(choices=Theme.choices, empty_label="Any")
    pillar = django_filters.ChoiceFilter(
        field_name="judgment__pillar", choices=Pillar.choices, empty_label="Any"
    )
    force_progress = django_filters.ChoiceFilter(choices=ForceProgress.choices, empty_label="Any")
    inspectorate_status = django_filters.ChoiceFilter(
        label="Inspectorate's view", choices=InspectorateStatus.choices, empty_label="Any"
    )
    board = IdFilter(field_name="board_id", widget=forms.HiddenInput)
    force = IdFilter(field_name="inspection__force_id", widget=forms.HiddenInput)
    unallocated = django_filters.BooleanFilter(
        method="filter_unallocated",
        label="Awaiting allocation (no action, or one nobody owns)",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Finding
        fields = [
            "q",
            "inspection",
            "kind",
            "theme",
            "pillar",
            "force_progress",
            "inspectorate_status",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(matches(["text", "section"], value) | Q(reference__iexact=value))

    def filter_unallocated(self, queryset, name, value):
        waiting = Finding.objects.awaiting_allocation().values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)
