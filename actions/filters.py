"""One FilterSet per list, used by the HTML pages and the API alike."""

import django_filters
from django import forms
from django.db.models import Q

from api.filters import IdFilter
from forces.filters import visible_people
from inspections.filters import visible_inspections
from inspections.models import FindingKind, Pillar, Theme
from ui.search import matches

from .models import (
    RAG,
    Action,
    Evidence,
    Marking,
    Status,
    Update,
)
from .querysets import ActionQuerySet

YES_NO = [("true", "Yes"), ("false", "No")]


def _include(queryset, condition, value: bool):
    """Rows meeting condition (value true) or not meeting it (false)."""
    return queryset.filter(condition) if value else queryset.exclude(condition)


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    # distinct=False on every multiple-choice filter here: they test a column of the row
    # itself, so they cannot duplicate rows, and django-filter's default SELECT DISTINCT
    # over every selected column makes the database sort the whole list to deduplicate.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG",
        choices=[*RAG.choices, ("none", "Not rated")],
        method="filter_rag",
        widget=forms.CheckboxSelectMultiple,
    )
    inspection = django_filters.ModelChoiceFilter(
        field_name="finding__inspection",
        label="Inspection",
        queryset=visible_inspections,
        empty_label="Any",
    )
    theme = django_filters.ChoiceFilter(
        field_name="finding__theme", label="Theme", choices=Theme.choices, empty_label="Any"
    )
    kind = django_filters.ChoiceFilter(
        field_name="finding__kind",
        label="Finding kind",
        choices=FindingKind.choices,
        empty_label="Any",
    )
    owner = django_filters.ModelChoiceFilter(queryset=visible_people, empty_label="Anyone")
    finding = IdFilter(field_name="finding_id", widget=forms.HiddenInput)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        widget=forms.Select(choices=[("", "Any"), *YES_NO]),
    )
    due_soon = django_filters.BooleanFilter(
        method="filter_due_soon",
        label="Due in the next 30 days",
        widget=forms.Select(choices=[("", "Any"), *YES_NO]),
    )
    stale = django_filters.BooleanFilter(
        method="filter_stale",
        label="Stale (no update in 14 days)",
        widget=forms.Select(choices=[("", "Any"), *YES_NO]),
    )
    pillar = django_filters.ChoiceFilter(
        field_name="finding__judgment__pillar",
        label="Pillar",
        choices=Pillar.choices,
        empty_label="Any",
    )
    question = django_filters.CharFilter(
        field_name="finding__judgment__question", widget=forms.HiddenInput
    )
    team = django_filters.CharFilter(field_name="team", widget=forms.HiddenInput)
    board = IdFilter(field_name="finding__board_id", widget=forms.HiddenInput)
    unowned = django_filters.BooleanFilter(
        field_name="owner", lookup_expr="isnull", label="Without an owner", widget=forms.HiddenInput
    )

    class Meta:
        model = Action
        fields = [
            "q",
            "status",
            "rag",
            "inspection",
            "pillar",
            "theme",
            "kind",
            "owner",
            "overdue",
            "due_soon",
            "stale",
        ]

    def search(self, queryset, name, value):
        # Case and accents ignored: "zoe" finds "Zoë" (ui.search).
        return queryset.filter(
            matches(
                [
                    "title",
                    "description",
                    "finding__text",
                    "owner__first_name",
                    "owner__last_name",
                    "team",
                ],
                value,
            )
            | Q(finding__reference__iexact=value)
        )

    def filter_rag(self, queryset, name, value):
        """Red, amber, green, and "none" for actions not yet rated."""
        if not value:
            return queryset
        wanted = Q(rag__in=[v for v in value if v != "none"])
        if "none" in value:
            wanted |= Q(rag="")
        return queryset.filter(wanted)

    def filter_overdue(self, queryset, name, value):
        return _include(queryset, ActionQuerySet.overdue_q(), value)

    def filter_due_soon(self, queryset, name, value):
        return _include(queryset, ActionQuerySet.due_soon_q(), value)

    def filter_stale(self, queryset, name, value):
        return _include(queryset, ActionQuerySet.stale_q(), value)


# --- Lists the API serves (and any page that lists the same things) ------------


class UpdateFilter(django_filters.FilterSet):
    action = IdFilter(field_name="action_id")
    author = IdFilter(field_name="author_id")
    status_after = django_filters.MultipleChoiceFilter(
        label="Status after", choices=Status.choices, distinct=False
    )
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Update
        fields = ["action", "author", "status_after", "since", "until"]


class EvidenceFilter(django_filters.FilterSet):
    action = IdFilter(field_name="action_id")
    kind = django_filters.ChoiceFilter(choices=Evidence.Kind.choices)
    marking = django_filters.ChoiceFilter(choices=Marking.choices)
    current = django_filters.BooleanFilter(
        field_name="superseded_by", lookup_expr="isnull", label="Current (not superseded)"
    )

    class Meta:
        model = Evidence
        fields = ["action", "kind", "marking", "current"]
