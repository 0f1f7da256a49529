"""The People pages: a force's people managers run its people (rules in accounts.people).

Only people managers (and the back office) reach them; anyone else gets 403, which is
audited. Someone outside the forces you manage answers 404, as in the rest of the app.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from forces.models import Board, Membership
from ui.search import matches

from . import people
from .forms import ApproveForm, BoardSeatForm, InviteForm, PeopleFilterForm, RoleForm
from .models import AccessRequest

User = get_user_model()


def _manager_or_403(request):
    forces = people.managed_force_ids(request.user)
    if forces is not None and not forces:
        raise PermissionDenied("Only people managers can manage people.")
    return forces


def _person_or_404(request, pk):
    return get_object_or_404(people.people_visible_to(request.user), pk=pk)


def _done(request, person, text):
    messages.success(request, text)
    return redirect("accounts:person", person.pk)


def _refused(request, person, error):
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("accounts:person", person.pk)


@login_required
def people_list(request):
    forces = _manager_or_403(request)
    filters = PeopleFilterForm(request.GET or None)
    in_scope = Q() if forces is None else Q(force_id__in=forces)
    pending = (
        AccessRequest.objects.filter(in_scope, state=AccessRequest.State.PENDING)
        .select_related("user", "force")
        .order_by("requested_at")
    )
    memberships = Membership.objects.select_related("force")
    if forces is not None:
        memberships = memberships.filter(force_id__in=forces)
    everyone = (
        people.people_visible_to(request.user)
        .filter(memberships__isnull=False)
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("last_name", "first_name", "username")
        .distinct()
    )
    if filters.is_valid() and filters.cleaned_data["q"]:
        q = filters.cleaned_data["q"]
        everyone = everyone.filter(matches(["username", "first_name", "last_name", "email"], q))
    page = Paginator(everyone, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    locked = people.locked_out({n for p in rows for n in people.sign_in_names(p)})
    for person in rows:
        person.is_locked = bool(locked & set(people.sign_in_names(person)))
        person.status_text = people.status(person, locked=person.is_locked)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": "People",
        "pending": pending,
        "rows": rows,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "forces": people.managed_forces(request.user),
    }
    return render(request, "accounts/people/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request):
    _manager_or_403(request)
    forces = people.managed_forces(request.user)
    form = InviteForm(request.POST or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = people.person_invite(
                by=request.user,
                force=data["force"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                team=data["team"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            return _done(request, person, f"We have emailed an invitation to {person.email}.")
    return render(request, "accounts/people/invite.html", {"title": "Invite someone", "form": form})


@login_required
def person_detail(request, pk):
    forces = _manager_or_403(request)
    person = _person_or_404(request, pk)
    memberships = person.memberships.select_related("force").order_by("force__name", "role")
    boards = person.boards.select_related("force").order_by("force__name", "name")
    if forces is not None:
        memberships = memberships.filter(force_id__in=forces)
        boards = boards.filter(force_id__in=forces)
    pending = person.access_requests.filter(state=AccessRequest.State.PENDING)
    if forces is not None:
        pending = pending.filter(force_id__in=forces)
    managed = people.managed_forces(request.user)
    seat_boards = Board.objects.filter(force__in=managed).exclude(members=person)
    locked = bool(people.locked_out(people.sign_in_names(person)))
    from allauth.mfa.models import Authenticator

    context = {
        "title": person.get_full_name() or person.get_username(),
        "person": person,
        "memberships": memberships,
        "boards": boards,
        "pending": pending.first(),
        "locked": locked,
        "status": people.status(person, locked=locked, pending=pending.exists()),
        "two_factor": Authenticator.objects.filter(user=person).exists(),
        "sso": person.socialaccount_set.exists(),
        "is_self": person.pk == request.user.pk,
        "can_change": people.can_manage(request.user, person),
        "role_form": RoleForm(forces=managed, prefix="role"),
        "seat_form": BoardSeatForm(boards=seat_boards, prefix="seat") if seat_boards else None,
        "approve_form": ApproveForm(prefix="approve"),
        "work": people.leaver_work(person, forces) if not person.is_active else [],
    }
    return render(request, "accounts/people/detail.html", context)


@login_required
@require_POST
def person_approve(request, pk):
    _manager_or_403(request)
    person = _person_or_404(request, pk)
    access = get_object_or_404(
        person.access_requests.filter(state=AccessRequest.State.PENDING),
        pk=request.POST.get("request"),
    )
    form = ApproveForm(request.POST, prefix="approve")
    if not form.is_valid():
        return _refused(
            request, person, ValidationError("Choose at least one role to approve them.")
        )
    try:
        people.access_request_approve(
            by=request.user,
            access=access,
            roles=form.cleaned_data["roles"],
            team=form.cleaned_data["team"],
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, person, error)
    return _done(request, person, f"{person.get_full_name() or person.username} can now sign in.")


@login_required
@require_POST
def person_refuse(request, pk):
    _manager_or_403(request)
    person = _person_or_404(request, pk)
    access = get_object_or_404(
        person.access_requests.filter(state=AccessRequest.State.PENDING),
        pk=request.POST.get("request"),
    )
    try:
        people.access_request_refuse(by=request.user, access=access)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, person, error)
    messages.success(request, "The request was refused: their account stays inactive.")
    return redirect("accounts:people")


@login_required
@require_POST
def role_add(request, pk):
    _manager_or_403(request)
    person = _person_or_404(request, pk)
    form = RoleForm(request.POST, forces=people.managed_forces(request.user), prefix="role")
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return _refused(request, person, ValidationError(errors))
    data = form.cleaned_data
    try:
        membership = people.role_give(
            by=request.user,
            person=person,
            force=data["force"],
            role=data["role"],
            team=data["team"],
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, person, error)
    return _done(request, person, f"Role given: {membership.get_role_display()}.")


@login_required
@require_POST
def role_remove(request, pk, membership):
    _manager_or_403(request)
    person = _person_or_404(request, pk)
    membership = get_object_or_404(person.memberships.all(), pk=membership)
    try:
        people.role_remove(by=request.user, membership=membership)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, person, error)
    return _done(request, person, f"Role removed: {membership.get_role_display()}.")


@login_required
@require_POST
def seat_add(request, pk):
    _manager_or_403(request)
    person = _person_or_404(request, pk)
    boards = Board.objects.filter(force__in=people.managed_forces(request.user))
    form = BoardSeatForm(request.POST, boards=boards, prefix="seat")
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return _refused(request, person, ValidationError(errors))
    board = form.cleaned_data["board"]
    try:
        people.board_seat_give(by=request.user, person=person, board=board)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, person, error)
    return _done(request, person, f"Seat given on the {board.name}.")


@login_required
@require_POST
def seat_remove(request, pk, board):
    _manager_or_403(request)
    person = _person_or_404(request, pk)
    board = get_object_or_404(person.boards.all(), pk=board)
    try:
        people.board_seat_remove(by=request.user, person=person, board=board)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, person, error)
    return _done(request, person, f"Seat removed on the {board.name}.")


@login_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk):
    forces = _manager_or_403(request)
    person = _person_or_404(request, pk)
    if request.method == "POST":
        try:
            people.person_deactivate(by=request.user, person=person)
        except (ValidationError, PermissionDenied) as error:
            return _refused(request, person, error)
        work = people.leaver_work(person, forces)
        text = (
            f"{person.get_full_name() or person.username} is deactivated: they are signed "
            "out everywhere and their API tokens are revoked."
        )
        if work:
            text += " " + " ".join(item["text"] for item in work)
        return _done(request, person, text)
    context = {
        "title": "Deactivate this person",
        "person": person,
        "work": people.leaver_work(person, forces),
    }
    return render(request, "accounts/people/deactivate.html", context)


def _simple(service, success):
    @login_required
    @require_POST
    def view(request, pk):
        _manager_or_403(request)
        person = _person_or_404(request, pk)
        try:
            service(by=request.user, person=person)
        except (ValidationError, PermissionDenied) as error:
            return _refused(request, person, error)
        return _done(request, person, success)

    return view


person_reactivate = _simple(
    people.person_reactivate, "They are active again: give them the roles they need."
)
person_unlock = _simple(people.person_unlock, "Unlocked: they can sign in again.")
person_invite_again = _simple(people.invitation_resend, "We have emailed the invitation again.")
person_reset_two_factor = _simple(
    people.person_reset_two_factor,
    "Two-factor is reset: they will set it up again when they next sign in.",
)
