"""Front-office pages. Thin: find the object through visible_to, validate, call the model."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import security
from audit.models import Event
from forces.roles import can_manage_force, force_ids_for
from inspections.forms import FindingOversightForm, InspectorateForm
from inspections.models import Finding, Inspection
from inspections.rules import can_import_national
from ui.files import download_name
from ui.forms import form_status

from . import rules
from .filters import ActionFilter
from .forms import ActionForm, EvidenceForm, UpdateForm
from .models import Action, ConcurrentEdit, Evidence, create_action, evidence_add

PAGE_SIZE = 50

# The layers above add to an action's page without this one importing them: each
# function takes (request, action) and returns extra template context. Governance
# adds the action's extension requests (see governance.apps).
ACTION_PAGE_EXTRAS: list = []
# Warnings shown on the edit form, from the layers above: each function takes the action
# and returns sentences. Governance warns of a waiting extension request.
ACTION_EDIT_WARNINGS: list = []


def action_or_404(request, pk):
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related(
            "owner", "finding__inspection__force", "finding__judgment", "finding__board"
        ),
        pk=pk,
    )


def page_of(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _action_list(request, queryset, *, title, template="actions/action_list.html", extra=None):
    filterset = ActionFilter(request.GET or None, queryset=queryset.for_list(), request=request)
    actions = filterset.qs if filterset.is_bound else queryset.for_list()
    if filterset.is_bound and not filterset.is_valid():
        actions = queryset.none()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": title,
        "filter": filterset,
        "page": page_of(request, actions.order_by("due_date", "pk")),
        "query": query.urlencode(),
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
def home(request):
    """My actions: what the signed-in owner has to do, soonest due first."""
    mine = Action.objects.visible_to(request.user).filter(owner=request.user)
    return _action_list(request, mine, title="My actions", extra={"is_home": True})


@login_required
def action_list(request):
    """Every action the user may see, with the shared filters."""
    title = "All actions"
    if request.GET.get("overdue") == "true":
        title = "Overdue actions"
    elif request.GET.get("stale") == "true":
        title = "Stale actions: no update in 14 days"
    return _action_list(request, Action.objects.visible_to(request.user), title=title)


@login_required
def action_detail(request, pk):
    action = action_or_404(request, pk)
    evidence = [
        e
        for e in action.evidence.select_related("uploaded_by", "superseded_by")
        if rules.can_see_evidence(request.user, e, action)
    ]
    context = {
        "action": action,
        "finding": action.finding,
        "evidence": evidence,
        "withheld": action.evidence.count() - len(evidence),
        "timeline": action.events.select_related("actor").order_by("created_at", "pk"),
        "can_update": action.can(request.user, "update")
        or action.allowed_transitions(request.user),
        "can_add_evidence": action.can(request.user, "add_evidence"),
        "can_edit": action.can(request.user, "edit"),
        "can_decide": bool(
            {"close", "return"} & {t.name for t in action.allowed_transitions(request.user)}
        ),
        "can_extend": action.is_open and action.can(request.user, "request_extension"),
        "can_decide_extension": action.can(request.user, "decide_extension"),
    }
    for extra in ACTION_PAGE_EXTRAS:
        context.update(extra(request, action))
    return render(request, "actions/action_detail.html", context)


def refuse_stale(form, error: ConcurrentEdit):
    """Keep what was typed, say what changed, and let a deliberate re-submit through."""
    current = error.current
    latest = current.events.select_related("actor").order_by("-created_at", "-pk").first()
    who = latest.actor.get_full_name() or latest.actor.username if latest and latest.actor else ""
    detail = f" {who} made a change: {latest.summary}." if latest else ""
    form.add_error(
        None,
        f"This action was changed after you opened it.{detail} Your text is kept below: check the "
        "action's current state and submit again to save it.",
    )
    form.data = form.data.copy()
    form.data["version"] = current.version
    form.conflict = True  # answered 409 (ui.forms.form_status)


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = action_or_404(request, pk)
    if not (action.can(request.user, "update") or action.allowed_transitions(request.user)):
        raise PermissionDenied
    form = UpdateForm(request.POST or None, action=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as error:
            form.add_model_errors(error)
        except ConcurrentEdit as error:
            refuse_stale(form, error)
        else:
            messages.success(request, "Your update was saved.")
            return redirect(action)
    return render(
        request,
        "actions/update_form.html",
        {"action": action, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_create(request, pk):
    action = action_or_404(request, pk)
    if not action.can(request.user, "add_evidence"):
        raise PermissionDenied
    form = EvidenceForm(request.POST or None, request.FILES or None, action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_add(
                action=action,
                by=request.user,
                description=data["description"],
                effective_date=data["effective_date"],
                marking=data["marking"],
                upload=data["file"],
                url=data["url"],
                supersedes=data["supersedes"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, "The evidence was added.")
            return redirect(action)
    if request.method == "POST":
        security.record_refused_uploads(
            request, force_id=action.force_id, where="evidence", action=action.pk
        )
    if form.is_bound:
        form.ask_for_the_file_again()
    return render(
        request,
        "actions/evidence_form.html",
        {"action": action, "form": form},
        status=form_status(form),
    )


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related("action__finding__inspection"),
        pk=pk,
        kind=Evidence.Kind.FILE,
    )
    if not rules.can_see_evidence(request.user, evidence, evidence.action):
        raise Http404
    with transaction.atomic():
        Event.record(
            request.user,
            "evidence.download",
            evidence,
            summary=f"Evidence downloaded: {evidence.audit_label}",
            sha256=evidence.sha256,
        )
    name = download_name(evidence.original_name, f"evidence-{evidence.pk}")
    # Streamed from the file store through the storage API (any app server, any store).
    handle = evidence.file.open("rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    if not response.has_header("Content-Length") and getattr(handle.file, "size", None):
        response["Content-Length"] = handle.file.size  # a blob store's stream knows its size
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = action_or_404(request, pk)
    if not action.can(request.user, "edit"):
        raise PermissionDenied
    form = ActionForm(request.POST or None, force_id=action.force_id, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            action.edit(
                by=request.user,
                changes=form.changes(),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("due_date_reason", ""),
            )
        except ConcurrentEdit as error:
            refuse_stale(form, error)
        else:
            messages.success(request, "The action was saved.")
            return redirect(action)
    warnings = [w for warn in ACTION_EDIT_WARNINGS for w in warn(action)]
    context = {"action": action, "form": form, "warnings": warnings}
    return render(request, "actions/action_form.html", context, status=form_status(form))


def finding_or_404(request, pk):
    return get_object_or_404(
        Finding.objects.visible_to(request.user).select_related(
            "inspection__force",
            "inspection__national_report",
            "judgment",
            "cause_of_concern",
            "board",
            "source",
            "withdrawn_by",
        ),
        pk=pk,
    )


@login_required
def finding_detail(request, pk):
    finding = finding_or_404(request, pk)
    can_manage = can_manage_force(request.user, finding.inspection.force_id)
    context = {
        "finding": finding,
        "oversight_form": FindingOversightForm(finding=finding) if can_manage else None,
        "inspectorate_form": InspectorateForm(initial={"status": finding.inspectorate_status})
        if can_manage
        else None,
        "actions": finding.actions.select_related("owner").order_by("due_date", "pk"),
        "recommendations": finding.recommendations.all(),
        "can_manage": can_manage,
    }
    return render(request, "actions/finding_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    finding = finding_or_404(request, pk)
    if not can_manage_force(request.user, finding.inspection.force_id):
        raise PermissionDenied
    initial = {"title": finding.text[:120], "priority": "medium"}
    form = ActionForm(request.POST or None, force_id=finding.inspection.force_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = create_action(finding=finding, by=request.user, **form.changes())
        messages.success(request, f"Action “{action.title}” was raised.")
        return redirect(action)
    return render(
        request,
        "actions/action_form.html",
        {"finding": finding, "form": form},
        status=form_status(form),
    )


@login_required
def findings_unallocated(request):
    """Findings with no action, or with an action nobody owns: the coordinator's in-tray."""
    forces = force_ids_for(request.user)
    managed = (
        [f for f in (forces or []) if can_manage_force(request.user, f)]
        if forces is not None
        else None
    )
    if managed == []:
        raise PermissionDenied
    findings = (
        Finding.objects.visible_to(request.user).current().select_related("inspection__force")
    )
    if managed is not None:
        findings = findings.filter(inspection__force_id__in=managed)
    findings = findings.annotate(
        action_count=Count("actions", distinct=True),
        unowned_count=Count("actions", filter=Q(actions__owner__isnull=True), distinct=True),
    ).filter(Q(action_count=0) | Q(unowned_count__gt=0))
    return render(
        request,
        "actions/findings_unallocated.html",
        {"page": page_of(request, findings.order_by("inspection", "order", "pk"))},
    )


@login_required
def inspection_list(request):
    inspections = (
        Inspection.objects.visible_to(request.user)
        .select_related("force")
        .annotate(
            finding_count=Count("findings", distinct=True),
            action_count=Count("findings__actions", distinct=True),
        )
    )
    context = {"inspections": inspections, "national": can_import_national(request.user)}
    return render(request, "actions/inspection_list.html", context)


@login_required
def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("force"), pk=pk
    )
    # Counts, not the actions themselves: an inspection can carry thousands of them.
    today = timezone.localdate()
    findings = inspection.findings.select_related("judgment").annotate(
        action_count=Count("actions"),
        closed_count=Count("actions", filter=Q(actions__status="closed")),
        overdue_count=Count(
            "actions", filter=Q(actions__due_date__lt=today) & ~Q(actions__status="closed")
        ),
    )
    judgments = list(inspection.judgments.all())
    context = {
        "inspection": inspection,
        "pillars": [j for j in judgments if j.is_pillar],
        "questions": [j for j in judgments if not j.is_pillar],
        "findings": findings,
        "sources": inspection.sources.select_related("added_by"),
        "can_manage": can_manage_force(request.user, inspection.force_id),
    }
    return render(request, "actions/inspection_detail.html", context)
