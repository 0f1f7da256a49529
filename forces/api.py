"""API viewsets over forces, their boards and the people in them."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from api.base import ReadOnlyViewSet
from api.serializers import person

from .filters import BoardFilter, PersonFilter
from .models import Board, Force
from .roles import force_ids_for


class ForceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Force
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class BoardSerializer(serializers.ModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = ["id", "web_url", "force", "name", "members"]
        read_only_fields = fields

    def get_members(self, board) -> list[int]:
        return [user.pk for user in board.members.all()]


@extend_schema(tags=["inspections"])
class ForceViewSet(ReadOnlyViewSet):
    """The forces you belong to."""

    serializer_class = ForceSerializer
    filterset_class = None

    def get_queryset(self):
        forces = force_ids_for(self.request.user)
        return Force.objects.all() if forces is None else Force.objects.filter(pk__in=forces)


@extend_schema(tags=["governance"])
class BoardViewSet(ReadOnlyViewSet):
    """Governance boards of your forces, with their members' user ids."""

    serializer_class = BoardSerializer
    filterset_class = BoardFilter

    def get_queryset(self):
        return (
            Board.objects.visible_to(self.request.user)
            .prefetch_related("members")
            .order_by("force__name", "name")
        )


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return person(user)


@extend_schema(tags=["people"])
class PersonViewSet(ReadOnlyViewSet):
    """People in your forces, for choosing owners and reading names."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        people = get_user_model().objects.filter(is_active=True)
        forces = force_ids_for(self.request.user)
        if forces is not None:
            people = people.filter(memberships__force_id__in=forces)
        return people.distinct().order_by("username")
