"""One FilterSet per list, used by the HTML pages and the API alike."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from inspections.filters import IdFilter
from inspections.models import FindingKind, Inspection, Pillar, Theme

from .models import (
    RAG,
    Action,
    Decision,
    Event,
    Evidence,
    ExtensionRequest,
    Marking,
    Meeting,
    Outcome,
    Role,
    Status,
    Update,
)
from .querysets import ActionQuerySet


def _visible_inspections(request):
    if request is None:
        return Inspection.objects.none()
    return Inspection.objects.visible_to(request.user).select_related("force")


def _visible_owners(request):
    from inspections.querysets import force_ids_for

    users = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
    if request is None:
        return users.none()
    forces = force_ids_for(request.user)
    if forces is None:
        return users
    return users.filter(memberships__force_id__in=forces).distinct()


YES_NO = [("true", "Yes"), ("false", "No")]


def _include(queryset, condition, value: bool):
    """Rows meeting condition (value true) or not meeting it (false)."""
    return queryset.filter(condition) if value else queryset.exclude(condition)


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG", choices=RAG.choices, widget=forms.CheckboxSelectMultiple
    )
    inspection = django_filters.ModelChoiceFilter(
        field_name="finding__inspection",
        label="Inspection",
        queryset=_visible_inspections,
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
    owner = django_filters.ModelChoiceFilter(queryset=_visible_owners, empty_label="Anyone")
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
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(finding__text__icontains=value)
            | Q(finding__reference__iexact=value)
        )

    def filter_overdue(self, queryset, name, value):
        return _include(queryset, ActionQuerySet.overdue_q(), value)

    def filter_due_soon(self, queryset, name, value):
        return _include(queryset, ActionQuerySet.due_soon_q(), value)

    def filter_stale(self, queryset, name, value):
        return _include(queryset, ActionQuerySet.stale_q(), value)


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
        label="Who", queryset=_visible_owners, empty_label="Anyone"
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
        queryset=_visible_inspections,
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
            Q(action__finding__inspection=value)
            | Q(object_type="inspection", object_id=str(value.pk))
            | Q(
                object_type="finding",
                object_id__in=[str(pk) for pk in value.findings.values_list("pk", flat=True)],
            )
        )


# --- Lists the API serves (and any page that lists the same things) ------------


class UpdateFilter(django_filters.FilterSet):
    action = IdFilter(field_name="action_id")
    author = IdFilter(field_name="author_id")
    status_after = django_filters.MultipleChoiceFilter(label="Status after", choices=Status.choices)
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


class DecisionFilter(django_filters.FilterSet):
    action = IdFilter(field_name="action_id")
    board = IdFilter(field_name="board_id")
    meeting = IdFilter(field_name="meeting_id")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    since = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__lte")

    class Meta:
        model = Decision
        fields = ["action", "board", "meeting", "outcome", "since", "until"]


class ExtensionRequestFilter(django_filters.FilterSet):
    action = IdFilter(field_name="action_id")
    board = IdFilter(field_name="action__finding__board_id")
    state = django_filters.MultipleChoiceFilter(choices=ExtensionRequest.State.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["action", "board", "state"]


class MeetingFilter(django_filters.FilterSet):
    board = IdFilter(field_name="board_id")
    after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["board", "after", "before"]


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    force = IdFilter(field_name="memberships__force_id")
    role = django_filters.ChoiceFilter(field_name="memberships__role", choices=Role.choices)

    class Meta:
        model = get_user_model()
        fields = ["q", "force", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )
