"""Reads over actions and evidence, scoped to what a user may see."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from forces.roles import force_ids_for, roles_in


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions in the forces user belongs to; another force's actions do not exist for them."""
        forces = force_ids_for(user)
        return self if forces is None else self.filter(finding__inspection__force_id__in=forces)

    # Each "state" is a Q as well as a method, so filters can include or exclude it
    # directly (a pk__in subquery over an annotated list is slow on PostgreSQL).
    @staticmethod
    def open_q() -> models.Q:
        return ~models.Q(status="closed")

    @classmethod
    def overdue_q(cls, today: dt.date | None = None) -> models.Q:
        """Open, past the due date, and not waiting on the board (submitted for closure:
        the owner's part is done in time or not, and the board's decision is not late)."""
        return (
            cls.open_q()
            & ~models.Q(status="submitted")
            & models.Q(due_date__lt=today or timezone.localdate())
        )

    @classmethod
    def due_soon_q(cls, days: int = 30, today: dt.date | None = None) -> models.Q:
        today = today or timezone.localdate()
        return cls.open_q() & models.Q(
            due_date__gte=today, due_date__lte=today + dt.timedelta(days)
        )

    @classmethod
    def stale_q(cls, now: dt.datetime | None = None) -> models.Q:
        """Open, with no update for STALE_AFTER_DAYS (counting from creation if none)."""
        cutoff = (now or timezone.now()) - dt.timedelta(days=settings.STALE_AFTER_DAYS)
        return cls.open_q() & (
            models.Q(last_update_at__lt=cutoff)
            | models.Q(last_update_at__isnull=True, created_at__lt=cutoff)
        )

    def open(self):
        return self.filter(self.open_q())

    def overdue(self, today: dt.date | None = None):
        return self.filter(self.overdue_q(today))

    def due_soon(self, days: int = 30, today: dt.date | None = None):
        return self.filter(self.due_soon_q(days, today))

    def stale(self, now: dt.datetime | None = None):
        return self.filter(self.stale_q(now))

    def awaiting_review(self):
        return self.filter(status="submitted")

    def with_submitter(self):
        """Annotate latest_submitter_id: who submitted each submitted action for closure
        (the author of the latest 'submit' update), None for the rest.

        rules.submitter_id reads it, so lists that ask who may close each row (the API's
        allowed_transitions, the review queue) cost no query per submitted row. The CASE
        keeps the subquery off rows that are not submitted.
        """
        from .models import Update

        latest_submit = (
            Update.objects.filter(action=models.OuterRef("pk"), status_after="submitted")
            .exclude(status_before="submitted")
            .order_by("-created_at", "-pk")
            .values("author")[:1]
        )
        return self.annotate(
            latest_submitter_id=models.Case(
                models.When(status="submitted", then=models.Subquery(latest_submit)),
                default=None,
                output_field=models.IntegerField(),
            )
        )

    def for_list(self):
        """Everything a list row shows, in a fixed number of queries."""
        # A correlated subquery rather than JOIN + GROUP BY: a page's COUNT(*) then
        # skips it, and only the 50 rows shown are counted.
        from .models import Evidence

        evidence = (
            Evidence.objects.filter(action=models.OuterRef("pk"))
            .order_by()
            .values("action")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.select_related("owner", "finding__inspection__force")
            .annotate(
                evidence_count=Coalesce(
                    models.Subquery(evidence), 0, output_field=models.IntegerField()
                )
            )
            .with_submitter()
        )


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """Evidence not superseded by a newer version."""
        return self.filter(superseded_by__isnull=True)

    def visible_to(self, user):
        forces = force_ids_for(user)
        if forces is None:
            return self
        return self.filter(action__finding__inspection__force_id__in=forces)

    def readable_by(self, user):
        """Evidence user may see and download: rules.can_see_evidence as one query, for lists."""
        from . import rules

        forces = force_ids_for(user)
        if forces is None:
            return self
        if not forces:
            return self.none()
        readers = [f for f in forces if roles_in(user, f) & rules.SENSITIVE_READERS]
        return self.visible_to(user).filter(
            ~models.Q(marking="OFFICIAL-SENSITIVE")
            | models.Q(action__finding__inspection__force_id__in=readers)
            | models.Q(action__owner=user)
            | models.Q(uploaded_by=user)
        )
