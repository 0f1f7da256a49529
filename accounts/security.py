"""Security events in the audit trail: sign-ins, lockouts, refusals, access changes.

The audit trail files each event under a force so that force's auditors see it. An event
about a person is filed under each force they belong to (most people have one), or
under none (seen by the back office only) when they belong to none yet.
"""

from pathlib import PurePath
from types import SimpleNamespace

from audit.models import Event
from forces.models import Membership
from ui import upload_safety

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


def record_refused_uploads(request, *, force_id: int | None, where: str, **data) -> list:
    """A security event for each file of this request refused as dangerous (a zip bomb, a
    PDF with active content, a virus), filed under the force it was meant for.

    The checks (ui.upload_safety) run in forms and services that know nothing of the
    request; they leave their refusal on the upload, and the view calls this once the
    form or serializer has answered. A file refused only because the scanner could not be
    reached is not an attack, and is logged there instead."""
    events = []
    for _, uploads in request.FILES.lists():
        for upload in uploads:
            refusal = upload_safety.refusal_of(upload)
            if refusal is None or not refusal.dangerous or getattr(upload, "_peel_recorded", 0):
                continue
            upload._peel_recorded = True
            name = PurePath(upload.name or "").name[:200]
            subject = Subject(
                pk=None, label=name or "upload", force_id=force_id, model_name="upload"
            )
            events.append(
                Event.record(
                    request.user,
                    "upload.refused",
                    subject,
                    summary=f"Upload refused ({refusal.title.lower()}): {name}"[:300],
                    where=where,
                    reason=refusal.code,
                    detail=refusal.detail[:300],
                    name=name,
                    size=upload.size,
                    ip=client_ip(request),
                    user_agent=user_agent(request),
                    **data,
                )
            )
    return events
