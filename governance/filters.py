"""Filters over board decisions, extension requests and meetings (pages and API)."""

import django_filters

from api.filters import IdFilter

from .models import Decision, ExtensionRequest, Meeting, Outcome


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
    # A column of the row itself: no join, so no duplicates and no DISTINCT (and no sort).
    state = django_filters.MultipleChoiceFilter(
        choices=ExtensionRequest.State.choices, distinct=False
    )

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
