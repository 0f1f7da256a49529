"""Security events in the audit trail: sign-ins, lockouts, refusals, access changes.

The audit trail files each event under a force so that force's auditors see it. An event
about a person is filed under each force they belong to (most people have one), or
under none (seen by the back office only) when they belong to none yet.
"""

from types import SimpleNamespace

from audit.models import Event
from forces.models import Membership

from .clients import client_ip, user_agent


class Subject:
    """What a security event is about, as the audit trail reads it: a user (or an
    account name that matched nobody) filed under one force."""

    def __init__(self, *, pk, label: str, force_id: int | None, model_name: str = "user"):
        self._meta = SimpleNamespace(model_name=model_name)
        self.pk = pk if pk is not None else ""
        self.audit_label = label
        self.force_id = force_id


def person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def forces_of(user) -> list[int | None]:
    if user is None or user.pk is None:
        return [None]
    forces = sorted(set(Membership.objects.filter(user=user).values_list("force_id", flat=True)))
    return forces or [None]


def record(actor, verb: str, about, *, summary: str, request=None, changes=None, **data):
    """Write one event per force the person `about` belongs to (a user, or None)."""
    if request is not None:
        data.setdefault("ip", client_ip(request))
        data.setdefault("user_agent", user_agent(request))
    events = []
    label = person_label(about) if about is not None else data.get("username", "unknown")
    for force_id in forces_of(about):
        subject = Subject(
            pk=about.pk if about is not None else None, label=label, force_id=force_id
        )
        events.append(Event.record(actor, verb, subject, summary=summary, changes=changes, **data))
    return events
