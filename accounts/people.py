"""A force runs its own people: the rules and services behind the People pages.

People managers (forces.Role.PEOPLE_MANAGER) of a force invite people by email, approve
or refuse single sign-on sign-ups, give and remove roles and board seats, deactivate
leavers and unlock accounts. Nobody gives a role in a force they do not manage, changes
their own access, or touches staff and superuser rights: those belong to the back office.

Changes to users, memberships and board seats are audited by accounts.receivers
(whoever makes them, however); these services add the events that say why: an
invitation, an approval, a deactivation.
"""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode

from audit.models import Event
from forces.models import Board, Force, Membership, Role
from forces.roles import forces_where

from .context import acting_as
from .models import AccessRequest, ApiToken
from .security import Subject, person_label, record
from .sessions import end_sessions
from .tokens import invitation_tokens

User = get_user_model()
MANAGER_ROLES = frozenset({Role.PEOPLE_MANAGER})

# Work a leaver leaves behind, for the page that confirms a deactivation: upper layers
# add functions (user, force_ids) -> list of {"text", "url"} in their AppConfig.ready().
LEAVER_WORK = []


# --- Who may manage whom ----------------------------------------------------------------


def managed_force_ids(user) -> list[int] | None:
    """Forces whose people user manages; None means every force (superuser)."""
    return forces_where(user, MANAGER_ROLES)


def managed_forces(user):
    forces = managed_force_ids(user)
    return Force.objects.all() if forces is None else Force.objects.filter(pk__in=forces)


def people_visible_to(user):
    """People in the forces user manages, and those asking to join them."""
    forces = managed_force_ids(user)
    people = User.objects.all()
    if forces is None:
        return people
    return people.filter(
        Q(memberships__force_id__in=forces)
        | Q(access_requests__force_id__in=forces, access_requests__state="pending")
    ).distinct()


def can_manage(by, person) -> bool:
    """Whether `by` may change `person`'s access: never their own, never staff's."""
    if by.pk == person.pk:
        return False
    if person.is_superuser or person.is_staff:
        return by.is_superuser
    return people_visible_to(by).filter(pk=person.pk).exists()


def _check(by, person, force_id=None):
    if by.pk == person.pk:
        raise PermissionDenied(
            "You cannot change your own access. Ask another people manager to do it."
        )
    if not can_manage(by, person):
        raise PermissionDenied("You do not manage this person's access.")
    forces = managed_force_ids(by)
    if force_id is not None and forces is not None and force_id not in forces:
        raise PermissionDenied("You can only give roles in a force whose people you manage.")


# --- Status -----------------------------------------------------------------------------


def locked_out(usernames) -> set[str]:
    """Which of these (lower-cased) account names are locked out now, from any address."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def sign_in_names(person) -> list[str]:
    """The names someone could type to sign in as person (as axes counts them)."""
    return [n.lower() for n in (person.get_username(), person.email) if n]


def status(person, *, locked: bool = False, pending: bool = False) -> str:
    if pending:
        return "Waiting for approval"
    if not person.is_active:
        return "Deactivated"
    if locked:
        return "Locked"
    if person.last_login is None and not person.has_usable_password():
        return "Invited"
    return "Active"


# --- Services ---------------------------------------------------------------------------


def _email(to: list[str], template: str, context: dict) -> None:
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, None, to, fail_silently=True)


def _managers_of(force):
    if force is None:
        return User.objects.filter(is_superuser=True, is_active=True).exclude(email="")
    return User.objects.filter(
        is_active=True, memberships__force=force, memberships__role=Role.PEOPLE_MANAGER
    ).exclude(email="")


@transaction.atomic
def access_request_open(*, user, force, provider: str) -> AccessRequest:
    """Someone's first single sign-on: their access waits for a people manager."""
    access, _made = AccessRequest.objects.get_or_create(
        user=user, force=force, state=AccessRequest.State.PENDING, defaults={"provider": provider}
    )
    label = person_label(user)
    where = force.name if force else "PEELtrack"
    Event.record(
        None,
        "access.request",
        _filed_under(user, force),
        summary=f"{label} signed in with {provider} for the first time and asked for access",
        provider=provider,
        email=user.email,
    )
    managers = list(_managers_of(force).values_list("email", flat=True))
    if managers:
        people_url = settings.SITE_URL.rstrip("/") + reverse("accounts:people")
        _email(
            managers,
            "access_request",
            {"person": user, "label": label, "where": where, "url": people_url},
        )
    return access


def _filed_under(user, force) -> Subject:
    """An event about user, filed under the force they asked to join."""
    return Subject(pk=user.pk, label=person_label(user), force_id=force.pk if force else None)


def _roles_checked(roles) -> list[str]:
    valid = set(Role.values)
    roles = [r for r in roles if r in valid]
    if not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    return roles


@transaction.atomic
def access_request_approve(*, by, access: AccessRequest, roles, team: str = "") -> None:
    """Let someone in: their account becomes active with the roles chosen."""
    if access.state != AccessRequest.State.PENDING:
        raise ValidationError("Someone has already decided this request.")
    force = access.force
    if force is None:
        raise ValidationError("This request names no force: decide it in the back office.")
    _check(by, access.user, force.pk)
    roles = _roles_checked(roles)
    with acting_as(by):
        person = access.user
        person.is_active = True
        person.save(update_fields=["is_active"])
        for role in roles:
            Membership.objects.get_or_create(
                user=person, force=force, role=role, defaults={"team": team}
            )
        AccessRequest.objects.filter(pk=access.pk).update(
            state=AccessRequest.State.APPROVED, decided_by=by, decided_at=timezone.now()
        )
        record(by, "access.approve", person, summary=f"Access approved by {person_label(by)}")
    _email([person.email] if person.email else [], "access_approved", {"person": person})


@transaction.atomic
def access_request_refuse(*, by, access: AccessRequest) -> None:
    """Turn someone away: their account stays inactive."""
    if access.state != AccessRequest.State.PENDING:
        raise ValidationError("Someone has already decided this request.")
    _check(by, access.user, access.force_id)
    AccessRequest.objects.filter(pk=access.pk).update(
        state=AccessRequest.State.REFUSED, decided_by=by, decided_at=timezone.now()
    )
    Event.record(
        by,
        "access.refuse_request",
        _filed_under(access.user, access.force),
        summary=f"Access refused by {person_label(by)}",
    )


def invitation_link(person) -> str:
    uid = urlsafe_base64_encode(str(person.pk).encode())
    token = invitation_tokens.make_token(person)
    path = reverse("accounts:invitation", args=[uid, token])
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def person_invite(*, by, force, email: str, first_name: str, last_name: str, roles, team=""):
    """Make an account for someone and email them a link to choose their password."""
    forces = managed_force_ids(by)
    if forces is not None and force.pk not in forces:
        raise PermissionDenied("You can only invite people to a force whose people you manage.")
    email = (email or "").strip().lower()
    roles = _roles_checked(roles)
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise ValidationError(
            {"email": "Someone with this email address already has an account. Find them in "
             "the list and give them a role instead."}
        )  # fmt: skip
    with acting_as(by):
        try:
            person = User(
                username=email,
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
            person.set_unusable_password()
            person.save()
        except IntegrityError as error:
            raise ValidationError(
                {"email": "Someone with this email already has an account."}
            ) from error
        for role in roles:
            Membership.objects.create(user=person, force=force, role=role, team=team)
        record(
            by,
            "person.invite",
            person,
            summary=f"Invited to {force.name} by {person_label(by)}",
            email=email,
        )
    days = settings.INVITATION_TIMEOUT // (24 * 3600)
    _email(
        [email],
        "invitation",
        {"person": person, "by": by, "force": force, "link": invitation_link(person), "days": days},
    )
    return person


def invitation_resend(*, by, person) -> None:
    _check(by, person)
    if person.has_usable_password() or person.last_login is not None:
        raise ValidationError("This person has already signed in: they can reset their password.")
    force = Force.objects.filter(memberships__user=person).first()
    record(by, "person.invite", person, summary=f"Invitation sent again by {person_label(by)}")
    days = settings.INVITATION_TIMEOUT // (24 * 3600)
    _email(
        [person.email],
        "invitation",
        {"person": person, "by": by, "force": force, "link": invitation_link(person), "days": days},
    )


@transaction.atomic
def role_give(*, by, person, force, role: str, team: str = "") -> Membership:
    _check(by, person, force.pk)
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if not person.is_active:
        raise ValidationError("Reactivate this person before giving them a role.")
    with acting_as(by):
        membership, made = Membership.objects.get_or_create(
            user=person, force=force, role=role, defaults={"team": team}
        )
    if not made:
        raise ValidationError({"role": f"They are already {Role(role).label.lower()} here."})
    return membership


@transaction.atomic
def role_remove(*, by, membership: Membership) -> None:
    _check(by, membership.user, membership.force_id)
    with acting_as(by):
        membership.delete()


@transaction.atomic
def board_seat_give(*, by, person, board: Board) -> None:
    _check(by, person, board.force_id)
    if not Membership.objects.filter(user=person, force_id=board.force_id).exists():
        raise ValidationError({"board": "Give them a role in the board's force first."})
    if not person.is_active:
        raise ValidationError("Reactivate this person before giving them a seat.")
    with acting_as(by):
        board.members.add(person)


@transaction.atomic
def board_seat_remove(*, by, person, board: Board) -> None:
    _check(by, person, board.force_id)
    with acting_as(by):
        board.members.remove(person)


def _all_forces_managed(by, person) -> bool:
    forces = managed_force_ids(by)
    if forces is None:
        return True
    theirs = set(Membership.objects.filter(user=person).values_list("force_id", flat=True))
    return theirs <= set(forces)


@transaction.atomic
def person_deactivate(*, by, person) -> None:
    """A leaver: they cannot sign in, their sessions end and their API tokens are revoked
    (accounts.receivers does both for any deactivation). Their roles stay on the record;
    their open actions appear on the coordinators' Reminders page for reallocation."""
    _check(by, person)
    if not _all_forces_managed(by, person):
        raise PermissionDenied(
            "This person also works for a force whose people you do not manage: remove "
            "their roles in yours instead."
        )
    if not person.is_active:
        raise ValidationError("This person is already deactivated.")
    with acting_as(by):
        person.is_active = False
        person.save(update_fields=["is_active"])
        record(by, "person.deactivate", person, summary=f"Deactivated by {person_label(by)}")


@transaction.atomic
def person_reactivate(*, by, person) -> None:
    _check(by, person)
    if not _all_forces_managed(by, person):
        raise PermissionDenied("This person also works for a force whose people you do not manage.")
    if person.is_active:
        raise ValidationError("This person is already active.")
    with acting_as(by):
        person.is_active = True
        person.save(update_fields=["is_active"])
        record(by, "person.reactivate", person, summary=f"Reactivated by {person_label(by)}")


def person_unlock(*, by, person) -> int:
    """Clear the failed sign-ins that locked person out, from every address."""
    _check(by, person)
    cleared = sum(axes_reset(username=name) for name in set(sign_in_names(person)))
    record(by, "auth.unlock", person, summary=f"Unlocked by {person_label(by)}", attempts=cleared)
    return cleared


@transaction.atomic
def person_reset_two_factor(*, by, person) -> int:
    """A lost phone: remove person's two-factor; they set it up again at next sign-in."""
    from allauth.mfa.models import Authenticator

    _check(by, person)
    with acting_as(by):
        removed = 0
        for authenticator in Authenticator.objects.filter(user=person):
            authenticator.delete()
            removed += 1
        end_sessions(person)
    record(
        by, "auth.2fa_reset_by_manager", person, summary=f"Two-factor reset by {person_label(by)}"
    )
    return removed


def leaver_work(person, force_ids) -> list[dict]:
    return [item for hook in LEAVER_WORK for item in hook(person, force_ids)]


# Sent (person=, by=) when every API token of a person is revoked (signing out everywhere,
# deactivation): apps above accounts revoke their own secrets too (the calendar feed).
credentials_revoked = Signal()


def tokens_revoke_all(*, person, by=None) -> int:
    """Revoke every API token of person, each audited, and tell credentials_revoked."""
    count = 0
    for token in ApiToken.objects.filter(user=person):
        Event.record(by, "token.revoke", token, summary=f"API token revoked: {token.name}")
        token.delete()
        count += 1
    credentials_revoked.send(sender=tokens_revoke_all, person=person, by=by)
    return count
