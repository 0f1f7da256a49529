"""Filters over boards and people, shared by the pages and the API."""

import django_filters
from django.contrib.auth import get_user_model

from api.filters import IdFilter
from ui.search import matches

from .models import Board, Role
from .roles import force_ids_for


def visible_people(request):
    """Active people in the forces of the request's user, for pick-lists and filters."""
    users = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
    if request is None:
        return users.none()
    forces = force_ids_for(request.user)
    if forces is None:
        return users
    return users.filter(memberships__force_id__in=forces).distinct()


class BoardFilter(django_filters.FilterSet):
    force = IdFilter(field_name="force_id")

    class Meta:
        model = Board
        fields = ["force"]


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    force = IdFilter(field_name="memberships__force_id")
    role = django_filters.ChoiceFilter(field_name="memberships__role", choices=Role.choices)

    class Meta:
        model = get_user_model()
        fields = ["q", "force", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(matches(["username", "first_name", "last_name"], value))
