"""Reads that span models: review queues, meeting packs and dashboard figures."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from actions import rules
from actions.models import RAG, Action, Status
from actions.querysets import ActionQuerySet
from forces.models import Board
from forces.roles import board_ids
from inspections.models import Grade, Pillar, Theme

from .models import ExtensionRequest

DUE_SOON_DAYS = 30


def decidable_actions(user):
    """Actions whose decisions fall to user: their boards', or unboarded ones for coordinators."""
    visible = Action.objects.visible_to(user)
    if user.is_superuser:
        return visible
    coordinating = [m.force_id for m in user.memberships.all() if m.role in rules.CLOSERS]
    return visible.filter(
        Q(finding__board__in=board_ids(user))
        | Q(finding__board__isnull=True, finding__inspection__force_id__in=coordinating)
    )


def review_queue(user):
    """Submitted actions and pending extension requests that user may decide."""
    actions = decidable_actions(user)
    # Whoever submitted an action (the latest 'submit') may not sign it off either. The
    # submitter subquery appears once in WHERE (COALESCE, not "IS NULL OR <>", which ran
    # it twice per submitted row); the page's own column is computed after the LIMIT.
    submitted = (
        actions.awaiting_review()
        .exclude(owner=user)
        .for_list()
        .alias(submitter_or_nobody=Coalesce("latest_submitter_id", 0))
        .exclude(submitter_or_nobody=user.pk)
        .select_related("finding__board")
        .order_by("updated_at")
    )
    extensions = (
        ExtensionRequest.objects.filter(state="pending", action__in=actions.values("pk"))
        .exclude(requested_by=user)
        .select_related("action__owner", "action__finding__inspection", "requested_by")
        .order_by("requested_at")
    )
    return submitted, extensions


def meeting_pack(board: Board, today: dt.date | None = None) -> dict:
    """What a board meeting's agenda holds, as querysets over the board's actions."""
    today = today or timezone.localdate()
    # Scoped to the board's force too: a finding can only be overseen by its own
    # force's boards, but the pack must not show another force's work whatever happens.
    actions = Action.objects.filter(
        finding__board=board, finding__inspection__force_id=board.force_id
    ).for_list()
    return {
        "submitted": actions.awaiting_review().order_by("updated_at"),
        "extensions": ExtensionRequest.objects.filter(
            state="pending", action__in=actions.values("pk")
        )
        .select_related("action__owner", "requested_by")
        .order_by("requested_at"),
        "overdue": actions.overdue(today).order_by("due_date"),
        "due_soon": actions.due_soon(DUE_SOON_DAYS, today).order_by("due_date"),
        "stale": actions.stale().order_by("last_update_at"),
    }


def _counts(queryset, field) -> dict:
    return {
        row[field]: row["n"]
        for row in queryset.order_by().values(field).annotate(n=Count("pk", distinct=True))
    }


def figure_rows(counts: dict, labels: dict, param: str, order=None) -> list[dict]:
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k], str(k)))
    return [
        {
            "key": key,
            "label": labels.get(key, key) or "Not set",
            "value": counts.get(key, 0),
            "param": f"{param}={key if key is not None else ''}",
        }
        for key in keys
    ]


def dashboard(actions, inspections, today: dt.date | None = None) -> dict:
    """Every figure on the dashboard, from a fixed number of queries."""
    today = today or timezone.localdate()
    base = actions.order_by()
    status = _counts(base, "status")
    # Open actions not yet rated are counted too, as "Not rated" (rag=none in the lists).
    rag = {(key or "none"): n for key, n in _counts(base.open(), "rag").items()}
    totals = base.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=Status.CLOSED)),
        overdue=Count("pk", filter=ActionQuerySet.overdue_q(today)),
        due_soon=Count(
            "pk",
            filter=~Q(status=Status.CLOSED)
            & Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)),
        ),
    )
    totals["stale"] = base.stale().count()
    pillar = _counts(base, "finding__judgment__pillar")
    question = _counts(base, "finding__judgment__question")
    theme = _counts(base, "finding__theme")
    team = _counts(base, "team")
    owners = {
        row["owner"]: row
        for row in base.values("owner", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
    }
    extended = [
        (due - original).days
        for due, original in base.exclude(original_due_date__isnull=True)
        .exclude(due_date__isnull=True)
        .values_list("due_date", "original_due_date")
        if due != original
    ]
    opened = {
        row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]: row["n"]
        for row in base.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    closed = {
        row["month"]: row["n"]
        for row in base.filter(closed_date__isnull=False)
        .annotate(month=TruncMonth("closed_date"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    months = sorted(set(opened) | set(closed))
    month_top = max([*opened.values(), *closed.values(), 1])
    return {
        "totals": totals,
        "status": figure_rows(status, dict(Status.choices), "status", order=list(Status.values)),
        "rag": figure_rows(
            rag, {**dict(RAG.choices), "none": "Not rated"}, "rag", order=[*RAG.values, "none"]
        ),
        "pillar": figure_rows(pillar, dict(Pillar.choices), "pillar"),
        "question": figure_rows(question, {}, "question"),
        "theme": figure_rows(theme, dict(Theme.choices), "theme"),
        "team": figure_rows(team, {"": "No team"}, "team"),
        "owner": [
            {
                "label": (f"{r['owner__first_name']} {r['owner__last_name']}".strip())
                or r["owner__username"]
                or "Nobody",
                "value": r["n"],
                "param": f"owner={k}" if k else "unowned=true",
            }
            for k, r in owners.items()
        ],
        "extensions": {
            "count": len(extended),
            "total_days": sum(extended),
            "average_days": round(sum(extended) / len(extended)) if extended else 0,
            "longest_days": max(extended, default=0),
        },
        "months": [
            {
                "month": m,
                "opened": opened.get(m, 0),
                "closed": closed.get(m, 0),
                "opened_share": opened.get(m, 0) / month_top,
                "closed_share": closed.get(m, 0) / month_top,
            }
            for m in months
        ],
        "inspections": [
            {
                "inspection": i,
                "response_due": i.response_due,
                "days_left": (i.response_due - today).days if i.response_due else None,
            }
            for i in inspections
        ],
        "grades": dict(Grade.choices),
    }


def with_max(rows: list[dict]) -> list[dict]:
    """Add each row's share of the largest value, for drawing bars."""
    top = max((r["value"] for r in rows), default=0) or 1
    return [{**r, "share": r["value"] / top} for r in rows]
