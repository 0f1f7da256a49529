"""One FilterSet per list, used by the HTML pages and the API alike."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from inspections.models import FindingKind, Inspection, Pillar, Theme

from .models import RAG, Action, Status


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
    finding = django_filters.NumberFilter(field_name="finding_id", widget=forms.HiddenInput)
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
    board = django_filters.NumberFilter(field_name="finding__board_id", widget=forms.HiddenInput)
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
        overdue = queryset.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_due_soon(self, queryset, name, value):
        soon = queryset.due_soon().values("pk")
        return queryset.filter(pk__in=soon) if value else queryset.exclude(pk__in=soon)

    def filter_stale(self, queryset, name, value):
        stale = queryset.stale().values("pk")
        return queryset.filter(pk__in=stale) if value else queryset.exclude(pk__in=stale)
