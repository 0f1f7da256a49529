"""API viewsets over inspections, judgments and findings."""

from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.base import ReadOnlyViewSet
from forces.models import Board
from forces.roles import can_manage_force, force_ids_for
from ui.limits import NOTE_MAX

from .filters import FindingFilter, InspectionFilter, JudgmentFilter
from .models import (
    Finding,
    Inspection,
    InspectionSource,
    InspectorateStatus,
    Judgment,
    Pillar,
    Theme,
)


class SourceSerializer(serializers.ModelSerializer):
    download_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = InspectionSource
        fields = [
            "id",
            "name",
            "kind",
            "format",
            "sha256",
            "size",
            "description",
            "added_at",
            "download_url",
        ]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    force_name = serializers.CharField(source="force.name", read_only=True)
    response_due = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="When the police and crime commissioner's response is due (56 days).",
    )
    finding_count = serializers.IntegerField(read_only=True)
    action_count = serializers.IntegerField(read_only=True)
    sources = SourceSerializer(
        many=True, read_only=True, help_text="Every document the inspection was read from, kept."
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "web_url",
            "force",
            "force_name",
            "kind",
            "programme",
            "title",
            "published",
            "response_due",
            "national_report",
            "sources",
            "created_at",
            "finding_count",
            "action_count",
        ]
        read_only_fields = fields


class JudgmentSerializer(serializers.ModelSerializer):
    pillar = serializers.ChoiceField(
        choices=Pillar.choices, allow_blank=True, read_only=True, help_text="Blank: overall."
    )
    carried_over = serializers.BooleanField(
        read_only=True, help_text="The grade was given in an earlier inspection year."
    )

    class Meta:
        model = Judgment
        fields = [
            "id",
            "inspection",
            "pillar",
            "question",
            "grade",
            "last_inspected",
            "carried_over",
            "order",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    force = serializers.IntegerField(source="inspection.force_id", read_only=True)
    action_count = serializers.IntegerField(read_only=True)
    theme = serializers.ChoiceField(choices=Theme.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "web_url",
            "inspection",
            "force",
            "reference",
            "kind",
            "text",
            "section",
            "judgment",
            "theme",
            "timescale",
            "lead_in",
            "cause_of_concern",
            "supersedes",
            "origin",
            "national_recommendation",
            "withdrawn_at",
            "withdrawn_reason",
            "board",
            "force_progress",
            "inspectorate_status",
            "created_at",
            "action_count",
        ]
        read_only_fields = fields


class FindingBoardSerializer(serializers.Serializer):
    board = serializers.PrimaryKeyRelatedField(
        queryset=Board.objects.none(),
        allow_null=True,
        help_text="A board of the finding's force, or null for none (coordinators sign off).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["board"].queryset = Board.objects.visible_to(request.user)


class InspectorateStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InspectorateStatus.choices)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


@extend_schema(tags=["inspections"])
class InspectionViewSet(ReadOnlyViewSet):
    """Published inspections of your forces, newest first."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("force")
            .prefetch_related(Prefetch("sources", InspectionSource.objects.order_by("added_at")))
            .annotate(
                finding_count=Count("findings", distinct=True),
                action_count=Count("findings__actions", distinct=True),
            )
            .order_by("-published", "pk")
        )


@extend_schema(tags=["inspections"])
class JudgmentViewSet(ReadOnlyViewSet):
    """The grades an inspection gave: a pillar's (question blank) or a question's."""

    serializer_class = JudgmentSerializer
    filterset_class = JudgmentFilter

    def get_queryset(self):
        forces = force_ids_for(self.request.user)
        judgments = Judgment.objects.select_related("inspection").order_by(
            "inspection", "order", "pk"
        )
        return judgments if forces is None else judgments.filter(inspection__force_id__in=forces)


@extend_schema(tags=["inspections"])
class FindingViewSet(ReadOnlyViewSet):
    """What the reports ask of your forces: areas for improvement, causes of concern and
    recommendations."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self):
        return (
            Finding.objects.visible_to(self.request.user)
            .select_related("inspection")
            .annotate(action_count=Count("actions", distinct=True))
            .order_by("inspection", "order", "pk")
        )

    def _finding_for_change(self):
        finding = self.get_object()
        if not can_manage_force(self.request.user, finding.inspection.force_id):
            raise PermissionDenied("Only a coordinator may change a finding's oversight.")
        return finding

    def _respond(self, finding):
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)

    @extend_schema(
        request=FindingBoardSerializer,
        responses={200: FindingSerializer},
        summary="Set the overseeing board",
    )
    @route(detail=True, methods=["post"], url_path="board")
    def set_board(self, request, pk=None):
        """Choose the board that oversees the finding and signs off its actions."""
        finding = self._finding_for_change()
        data = FindingBoardSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        finding.set_board(by=request.user, board=data.validated_data["board"])
        return self._respond(finding)

    @extend_schema(
        request=InspectorateStatusSerializer,
        responses={200: FindingSerializer},
        summary="Record the inspectorate's view",
    )
    @route(detail=True, methods=["post"], url_path="inspectorate-status")
    def set_inspectorate_status(self, request, pk=None):
        """Record that the finding went to the inspectorate, or the inspectorate's verdict."""
        finding = self._finding_for_change()
        data = InspectorateStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding.set_inspectorate_status(by=request.user, **data.validated_data)
        return self._respond(finding)
