"""Security events and changes to people's access, into the audit trail (connected in
AccountsConfig.ready()).

Signals, not views, so that every door is covered: the sign-in pages, the Django admin's
own user pages, the API, a shell. The actor is whoever the request or `acting_as` names
(accounts.context); the route says which door ("admin:auth_user_change", ...).

- sign-in, sign-out, failed sign-in (Django's auth signals) and lockout (axes);
- every change to a user (names, email, active, staff, superuser, password), to a
  membership (a role in a force), to a board's members, groups and permissions;
- two-factor added, removed and recovery codes renewed.
Ending sessions on a password change, and sessions and API tokens on deactivation,
happen here too, so they follow the change however it is made.
"""

from django.contrib.auth import get_user_model

from audit.models import Event
from forces.models import Board, Membership

from . import sessions
from .clients import client_ip, username_tried
from .context import current_actor, current_request, current_route
from .security import person_label, record

User = get_user_model()
TRACKED = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
BEFORE = "_peeltrack_before"

# How a password came to change, by the page that changed it.
PASSWORD_ROUTES = {
    "account_change_password": "Password changed by its owner",
    "account_set_password": "Password set by its owner",
    "account_reset_password_from_key": "Password reset with an emailed link",
    "accounts:invitation": "Password chosen from an invitation",
    "admin:auth_user_password_change": "Password set in the back office",
    "admin:password_change": "Password changed by its owner (back office)",
}


def _via() -> dict:
    route = current_route()
    return {"via": route or "system"}


# --- Sign-in and sign-out ---------------------------------------------------------------


def _method(request, user) -> str:
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user) if request is not None else []
    methods = [r.get("method") for r in records]
    if "socialaccount" in methods:
        return "single sign-on"
    if "mfa" in methods:
        return "password and two-factor"
    if "password" in methods:
        return "password"
    return "other"


def on_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.stamp_sign_in(request.session)
    method = _method(request, user)
    record(
        user, "auth.sign_in", user, summary=f"Signed in ({method})", request=request, method=method
    )


def on_signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "peeltrack_signout_reason", "") or "signed out"
    summaries = {
        sessions.IDLE: "Signed out: idle timeout",
        sessions.ABSOLUTE: "Signed out: session too old",
    }
    record(
        user,
        "auth.sign_out",
        user,
        summary=summaries.get(reason, "Signed out"),
        request=request,
        reason=reason,
    )


def _account_named(name):
    if not name:
        return None
    return (
        User.objects.filter(username__iexact=name).first()
        or User.objects.filter(email__iexact=name).first()
    )


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    name = username_tried(request, credentials)
    person = _account_named(name)
    record(
        None,
        "auth.sign_in_failed",
        person,
        summary=f"Failed sign-in as {name or 'nobody'}"[:300],
        request=request,
        username=name or "",
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    person = _account_named(username)
    record(
        None,
        "auth.lockout",
        person,
        summary=f"Locked out after repeated failed sign-ins as {username}"[:300],
        request=request,
        username=username or "",
        ip=ip_address or client_ip(request),
    )


# --- Users ------------------------------------------------------------------------------


def remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    before = User.objects.filter(pk=instance.pk).values(*TRACKED, "password").first()
    setattr(instance, BEFORE, before)


def record_user(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    actor = current_actor()
    if created:
        record(
            actor,
            "user.create",
            instance,
            summary="Account created",
            changes={f: [None, getattr(instance, f)] for f in TRACKED},
            **_via(),
        )
        return
    before = instance.__dict__.pop(BEFORE, None)
    if before is None:
        return
    changes = {
        f: [before[f], getattr(instance, f)] for f in TRACKED if before[f] != getattr(instance, f)
    }
    if changes:
        record(
            actor, "user.edit", instance, summary=_user_summary(changes), changes=changes, **_via()
        )
    if before["password"] != instance.password:
        summary = PASSWORD_ROUTES.get(current_route(), "Password changed")
        record(actor, "auth.password_change", instance, summary=summary, **_via())
        _sign_out_everywhere_else(instance)
    if changes.get("is_active") == [True, False]:
        from .people import tokens_revoke_all

        sessions.end_sessions(instance)
        tokens_revoke_all(person=instance, by=actor)


def _user_summary(changes) -> str:
    names = {
        "is_active": {True: "Reactivated", False: "Deactivated"},
        "is_staff": {True: "Made staff (back office)", False: "No longer staff"},
        "is_superuser": {True: "Made superuser", False: "No longer superuser"},
    }
    parts = [names[f][changes[f][1]] for f in names if f in changes]
    others = [f.replace("_", " ") for f in changes if f not in names]
    if others:
        parts.append("Changed " + ", ".join(others))
    return "; ".join(parts)


def _sign_out_everywhere_else(user):
    """A new password ends the user's other sessions; the one that changed it goes on."""
    request = current_request()
    keep = None
    acting = getattr(request, "user", None) if request is not None else None
    if acting is not None and acting.pk == user.pk and hasattr(request, "session"):
        keep = request.session.session_key
    sessions.end_sessions(user, keep=keep)


# --- Roles and board seats --------------------------------------------------------------


def remember_membership(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = (
        Membership.objects.filter(pk=instance.pk)
        .values("user_id", "force_id", "role", "team")
        .first()
    )
    setattr(instance, BEFORE, before)


def record_membership(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    label = f"{person_label(instance.user)}: {instance.get_role_display()}"
    if created:
        Event.record(
            current_actor(),
            "membership.create",
            instance,
            summary=f"Role given: {label}",
            changes={"role": [None, instance.role], "team": [None, instance.team]},
            user_id=instance.user_id,
            **_via(),
        )
        return
    before = instance.__dict__.pop(BEFORE, None) or {}
    after = {
        "user_id": instance.user_id,
        "force_id": instance.force_id,
        "role": instance.role,
        "team": instance.team,
    }
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        Event.record(
            current_actor(),
            "membership.edit",
            instance,
            summary=f"Role changed: {label}",
            changes=changes,
            user_id=instance.user_id,
            **_via(),
        )


def record_membership_deleted(sender, instance, **kwargs):
    Event.record(
        current_actor(),
        "membership.delete",
        instance,
        summary=f"Role removed: {person_label(instance.user)}: {instance.get_role_display()}",
        changes={"role": [instance.role, None]},
        user_id=instance.user_id,
        **_via(),
    )


def record_board_members(sender, instance, action, reverse, pk_set, **kwargs):
    """Seats on a board, from either side (board.members or user.boards)."""
    if action == "pre_clear":
        members = instance.boards.all() if reverse else instance.members.all()
        instance._peeltrack_cleared = {obj.pk for obj in members}
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_peeltrack_cleared", set())
    added = action == "post_add"
    pairs = (
        [(board, instance) for board in Board.objects.filter(pk__in=pk_set or ())]
        if reverse
        else [(instance, user) for user in User.objects.filter(pk__in=pk_set or ())]
    )
    for board, user in pairs:
        verb, text = (
            ("board.member_add", "given a seat on")
            if added
            else ("board.member_remove", "removed from")
        )
        Event.record(
            current_actor(),
            verb,
            board,
            summary=f"{person_label(user)} {text} {board.name}",
            changes={
                "members": [None, user.get_username()] if added else [user.get_username(), None]
            },
            user_id=user.pk,
            **_via(),
        )


def record_user_rights(sender, instance, action, reverse, pk_set, model, **kwargs):
    """Groups and permissions: what staff may do in the back office."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    what = "groups" if model._meta.model_name == "group" else "permissions"
    users = User.objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    names = (
        sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set or ()))
        if not reverse
        else [str(instance)]
    )
    for user in users:
        record(
            current_actor(),
            f"user.{what}",
            user,
            summary=f"Back-office {what} {'added' if action == 'post_add' else 'removed'}: "
            + ", ".join(names)[:200],
            changes={what: [None, names] if action == "post_add" else [names, None]},
            **_via(),
        )


# --- Two-factor -------------------------------------------------------------------------

KINDS = {
    "totp": "an authenticator app",
    "recovery_codes": "recovery codes",
    "webauthn": "a security key",
}


def record_authenticator_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        request = current_request()
        if request is not None and getattr(request, "user", None) == instance.user:
            # Set up in this session: two-factor is done for it (accounts.middleware).
            request.session["peeltrack_2fa_ok"] = True
        record(
            current_actor(),
            "auth.2fa_add",
            instance.user,
            summary=f"Two-factor added: {KINDS.get(instance.type, instance.type)}",
            kind=instance.type,
            **_via(),
        )


def record_authenticator_removed(sender, instance, **kwargs):
    record(
        current_actor(),
        "auth.2fa_remove",
        instance.user,
        summary=f"Two-factor removed: {KINDS.get(instance.type, instance.type)}",
        kind=instance.type,
        **_via(),
    )


def record_recovery_codes_renewed(sender, request, user, authenticator, **kwargs):
    record(user, "auth.2fa_renew", user, summary="New recovery codes made", request=request)


def connect():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.signals import authenticator_reset
    from axes.signals import user_locked_out
    from django.contrib.auth import signals as auth_signals
    from django.contrib.auth.models import Group, Permission  # noqa: F401
    from django.db.models import signals

    auth_signals.user_logged_in.connect(on_signed_in, dispatch_uid="peeltrack-signed-in")
    auth_signals.user_logged_out.connect(on_signed_out, dispatch_uid="peeltrack-signed-out")
    auth_signals.user_login_failed.connect(on_sign_in_failed, dispatch_uid="peeltrack-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="peeltrack-locked-out")
    signals.pre_save.connect(remember_user, sender=User, dispatch_uid="peeltrack-user-pre")
    signals.post_save.connect(record_user, sender=User, dispatch_uid="peeltrack-user")
    signals.pre_save.connect(remember_membership, sender=Membership, dispatch_uid="peeltrack-m-pre")
    signals.post_save.connect(record_membership, sender=Membership, dispatch_uid="peeltrack-m")
    signals.post_delete.connect(
        record_membership_deleted, sender=Membership, dispatch_uid="peeltrack-m-delete"
    )
    signals.m2m_changed.connect(
        record_board_members, sender=Board.members.through, dispatch_uid="peeltrack-board"
    )
    signals.m2m_changed.connect(
        record_user_rights, sender=User.groups.through, dispatch_uid="peeltrack-groups"
    )
    signals.m2m_changed.connect(
        record_user_rights, sender=User.user_permissions.through, dispatch_uid="peeltrack-perms"
    )
    signals.post_save.connect(
        record_authenticator_added, sender=Authenticator, dispatch_uid="peeltrack-2fa-add"
    )
    signals.post_delete.connect(
        record_authenticator_removed, sender=Authenticator, dispatch_uid="peeltrack-2fa-remove"
    )
    authenticator_reset.connect(record_recovery_codes_renewed, dispatch_uid="peeltrack-2fa-renew")
