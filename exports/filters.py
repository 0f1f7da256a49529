"""The audit trail's filters, shared by its page, its exports and the API."""

import django_filters
from django import forms
from django.db.models import Q

from actions.models import Action
from api.filters import IdFilter
from audit.models import Event
from forces.filters import visible_people
from inspections.filters import visible_inspections

# What an auditor looks for, by the first part of an event's verb.
EVENT_KINDS = [
    ("action.", "Actions: raised, edited, updated, moved"),
    ("evidence.", "Evidence: added, downloaded, integrity checks"),
    ("extension.", "Extension requests and decisions"),
    ("finding.", "Findings: imported, corrected, oversight"),
    ("inspection.", "Inspections: imported"),
    ("meeting.", "Board meetings"),
    ("export.", "Exports, evidence packs and reports taken away"),
]


class EventFilter(django_filters.FilterSet):
    """The audit trail: who did what, when, to which record."""

    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(
        label="What happened",
        choices=EVENT_KINDS,
        method="filter_kind",
        empty_label="Anything",
    )
    actor = django_filters.ModelChoiceFilter(
        label="Who", queryset=visible_people, empty_label="Anyone"
    )
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="From (YYYY-MM-DD)",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="To (YYYY-MM-DD)",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    action = IdFilter(
        field_name="action_id",
        label="Action ID",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    inspection = django_filters.ModelChoiceFilter(
        label="Inspection",
        queryset=visible_inspections,
        method="filter_inspection",
        empty_label="Any",
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "actor", "since", "until", "action", "inspection"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(summary__icontains=value) | Q(object_repr__icontains=value) | Q(verb=value)
        )

    def filter_kind(self, queryset, name, value):
        return queryset.filter(verb__startswith=value)

    def filter_inspection(self, queryset, name, value):
        return queryset.filter(
            Q(action_id__in=Action.objects.filter(finding__inspection=value).values("pk"))
            | Q(object_type="inspection", object_id=str(value.pk))
            | Q(
                object_type="finding",
                object_id__in=[str(pk) for pk in value.findings.values_list("pk", flat=True)],
            )
        )
