"""Board pages: review queue, decisions, extensions, meetings and packs, dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from actions import rules
from actions.filters import ActionFilter
from actions.models import Action, ConcurrentEdit
from actions.views import action_or_404, finding_or_404, page_of, refuse_stale
from audit.models import Event
from forces.models import Board
from forces.roles import board_ids, can_manage_force
from inspections.forms import FindingOversightForm, InspectorateForm
from inspections.models import Inspection
from ui.forms import form_status

from . import selectors
from .forms import DecisionForm, ExtensionDecisionForm, ExtensionRequestForm, MeetingForm
from .models import ExtensionRequest, Meeting
from .services import ExtensionConflict, extension_decide, extension_request

# The review queue shows the oldest extension requests first, this many at a time.
EXTENSIONS_SHOWN = 100


def action_page_extensions(request, action) -> dict:
    """What an action's page shows of its extension requests."""
    return {"extensions": action.extensions.all()}


def pending_extension_warning(action) -> list[str]:
    """The edit form warns a coordinator that a request for more time is waiting."""
    waiting = action.extensions.filter(state=ExtensionRequest.State.PENDING).first()
    if waiting is None:
        return []
    return [
        f"{waiting.requested_by.get_full_name() or waiting.requested_by.get_username()} asked "
        f"the board on {waiting.requested_at:%d %B %Y} to move the due date to "
        f"{waiting.requested_due_date:%d %B %Y}, and the request is still waiting. If you "
        "change the due date here, the board sees the new date beside the request."
        if waiting.requested_by
        else f"An extension request to {waiting.requested_due_date:%d %B %Y} is waiting."
    ]


def _next_or(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _meeting_from(request, action):
    """The meeting a decision is taken at: only one of the action's own board."""
    pk = request.POST.get("meeting") or request.GET.get("meeting") or ""
    if not (pk.isascii() and pk.isdigit()) or action.finding.board_id is None:
        return None
    return Meeting.objects.filter(pk=pk, board_id=action.finding.board_id).first()


@login_required
def review(request):
    """The board member's queue: what is waiting for their decision."""
    submitted, extensions = selectors.review_queue(request.user)
    context = {
        "page": page_of(request, submitted),
        "extensions": extensions[:EXTENSIONS_SHOWN],
        "extension_count": extensions.count(),
    }
    return render(request, "governance/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    """Sign off or return an action submitted for closure."""
    action = action_or_404(request, pk)
    allowed = [t.name for t in action.allowed_transitions(request.user)]
    if not {"close", "return"} & set(allowed):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, initial={"version": action.version})
    form.fields["outcome"].choices = [c for c in form.fields["outcome"].choices if c[0] in allowed]
    if request.method == "POST" and form.is_valid():
        try:
            action.apply_update(
                by=request.user,
                note=form.cleaned_data["rationale"],
                transition=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data["version"],
                context={"meeting": _meeting_from(request, action)},
            )
        except ValidationError as error:
            form.add_model_errors(error)
        except ConcurrentEdit as error:
            refuse_stale(form, error)
        else:
            messages.success(request, f"Your decision on “{action.title}” was recorded.")
            return redirect(_next_or(request, action.get_absolute_url()))
    evidence = [
        e
        for e in action.evidence.current().select_related("uploaded_by")
        if rules.can_see_evidence(request.user, e, action)
    ]
    context = {"action": action, "form": form, "evidence": evidence}
    return render(request, "governance/decide.html", context, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def extension_new(request, pk):
    action = action_or_404(request, pk)
    if not action.can(request.user, "request_extension"):
        raise PermissionDenied
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension_request(
                action=action,
                by=request.user,
                new_due_date=form.cleaned_data["new_due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        except ExtensionConflict as error:
            form.add_error(None, str(error))
            form.conflict = True
        else:
            messages.success(request, "Your request was sent to the board.")
            return redirect(action)
    history = action.extensions.select_related("requested_by", "decided_by")
    return render(
        request,
        "governance/extension_form.html",
        {"action": action, "form": form, "history": history},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def extension_decision(request, pk):
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            action__in=Action.objects.visible_to(request.user)
        ).select_related("action__finding__inspection", "action__owner", "requested_by"),
        pk=pk,
    )
    action = extension.action
    if not action.can(request.user, "decide_extension"):
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension_decide(
                request=extension,
                by=request.user,
                approve=form.cleaned_data["approve"],
                rationale=form.cleaned_data["rationale"],
                meeting=_meeting_from(request, action),
            )
        except ValidationError as error:
            form.add_model_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ExtensionConflict as error:
            form.add_error(None, str(error))
            extension.refresh_from_db()
            form.conflict = True
        else:
            messages.success(request, "The extension decision was recorded.")
            return redirect(_next_or(request, action.get_absolute_url()))
    return render(
        request,
        "governance/extension_decide.html",
        {"extension": extension, "action": action, "form": form},
        status=form_status(form),
    )


@login_required
def board_list(request):
    boards = (
        Board.objects.visible_to(request.user)
        .select_related("force")
        .annotate(
            finding_count=Count("findings", distinct=True),
            member_count=Count("members", distinct=True),
        )
    )
    return render(request, "governance/board_list.html", {"boards": boards})


def _can_schedule(user, board) -> bool:
    return board.pk in board_ids(user) or can_manage_force(user, board.force_id)


@login_required
@require_http_methods(["GET", "POST"])
def board_detail(request, pk):
    board = get_object_or_404(Board.objects.visible_to(request.user), pk=pk)
    can_schedule = _can_schedule(request.user, board)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not can_schedule:
            raise PermissionDenied
        if form.is_valid():
            meeting = Meeting.objects.create(board=board, **form.cleaned_data)
            Event.record(request.user, "meeting.create", board, summary=f"Meeting: {meeting}")
            messages.success(request, f"Meeting scheduled for {meeting.date:%d %B %Y}.")
            return redirect(meeting)
    context = {
        "board": board,
        "members": board.members.order_by("first_name", "last_name"),
        "meetings": board.meetings.all(),
        "form": form,
        "can_schedule": can_schedule,
    }
    return render(request, "governance/board_detail.html", context, status=form_status(form))


@login_required
def meeting_pack(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.filter(board__in=Board.objects.visible_to(request.user)).select_related(
            "board__force"
        ),
        pk=pk,
    )
    pack = selectors.meeting_pack(meeting.board)
    context = {
        "meeting": meeting,
        "pack": pack,
        "decisions": meeting.decisions.select_related("action", "decided_by"),
        "is_member": meeting.board_id in board_ids(request.user),
    }
    return render(request, "governance/meeting_pack.html", context)


@login_required
@require_POST
def finding_oversight(request, pk):
    """A coordinator sets the finding's board, or records the inspectorate's view."""
    finding = finding_or_404(request, pk)
    if not can_manage_force(request.user, finding.inspection.force_id):
        raise PermissionDenied
    if request.POST.get("form") == "inspectorate":
        form = InspectorateForm(request.POST)
        if form.is_valid():
            try:
                finding.set_inspectorate_status(
                    by=request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "The inspectorate's view was recorded.")
        else:
            messages.error(request, "Choose the inspectorate's view.")
    else:
        form = FindingOversightForm(request.POST, finding=finding)
        if form.is_valid():
            finding.set_board(by=request.user, board=form.cleaned_data["board"])
            messages.success(request, "The overseeing board was saved.")
    return redirect(finding)


@login_required
def dashboard(request):
    """Progress at a glance, with the figures in tables and every number a link."""
    visible = Action.objects.visible_to(request.user)
    filterset = ActionFilter(request.GET or None, queryset=visible, request=request)
    actions = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    inspections = Inspection.objects.visible_to(request.user).select_related("force")
    chosen = filterset.form.cleaned_data.get("inspection") if filterset.is_bound else None
    if chosen:
        inspections = inspections.filter(pk=chosen.pk)
    figures = selectors.dashboard(actions, inspections)
    for key in ("status", "rag", "pillar", "question", "theme", "team", "owner"):
        figures[key] = selectors.with_max(figures[key])
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "f": figures, "query": query.urlencode()}
    return render(request, "governance/dashboard.html", context)
