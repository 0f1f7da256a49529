"""factory-boy factories for every model."""

import datetime as dt
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from actions.models import Action, Evidence, Update
from audit.models import Event
from forces.models import Force, Membership
from inspections.models import Finding, FindingKind, Inspection, Judgment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.police.uk")
    password = factory.django.Password("pass-word-123")


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Test Force {n} Police")
    slug = factory.LazyAttribute(lambda f: f.name.lower().replace(" ", "-"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    force = factory.SubFactory(ForceFactory)
    role = "owner"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    force = factory.SubFactory(ForceFactory)
    programme = factory.Sequence(lambda n: f"PEEL {2018 + n}/{(19 + n) % 100:02d}")
    published = dt.date(2020, 2, 1)


class JudgmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgment

    inspection = factory.SubFactory(InspectionFactory)
    pillar = "legitimacy"
    question = "Ethical and lawful workforce behaviour"
    grade = "good"
    last_inspected = "2018/19"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    reference = factory.Sequence(lambda n: f"AFI {n + 1}")
    kind = FindingKind.AREA_FOR_IMPROVEMENT
    text = "The force should ensure all staff have received at least the lowest level of vetting."
    section = "Ethical and lawful workforce behaviour"
    theme = "vetting"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    finding = factory.SubFactory(FindingFactory)
    title = factory.Sequence(lambda n: f"Clear the vetting backlog, phase {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    action = factory.SubFactory(ActionFactory)
    author = factory.SelfAttribute("action.owner")
    note = "Recruited two vetting officers."
    status_before = "in_progress"
    status_after = "in_progress"
    progress = 40


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    class Params:
        content = b"%PDF-1.4\n% vetting policy\n"

    action = factory.SubFactory(ActionFactory)
    kind = "file"
    file = factory.LazyAttribute(lambda e: ContentFile(e.content, name="policy.pdf"))
    original_name = "vetting-policy.pdf"
    description = "Vetting policy, approved by the chief officer group."
    effective_date = dt.date(2020, 6, 1)
    uploaded_by = factory.SelfAttribute("action.owner")
    size = factory.LazyAttribute(lambda e: len(e.content))
    content_type = "application/pdf"
    sha256 = factory.LazyAttribute(lambda e: _sha(e.content))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    class Params:
        action = factory.SubFactory(ActionFactory)

    verb = "action.update"
    action_id = factory.LazyAttribute(lambda e: e.action.pk)
    object_type = "action"
    object_id = factory.LazyAttribute(lambda e: str(e.action.pk))
    object_repr = factory.LazyAttribute(lambda e: str(e.action))
    summary = "Progress update"


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forces.Board"
        skip_postgeneration_save = True

    force = factory.SubFactory(ForceFactory)
    name = factory.Sequence(lambda n: f"Board {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Meeting"

    board = factory.SubFactory(BoardFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Decision"

    action = factory.SubFactory(ActionFactory)
    outcome = "signed_off"
    rationale = "Evidence shows the backlog is cleared."


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.ExtensionRequest"

    action = factory.SubFactory(ActionFactory)
    requested_by = factory.SelfAttribute("action.owner")
    current_due_date = factory.SelfAttribute("action.due_date")
    requested_due_date = factory.LazyAttribute(lambda r: r.action.due_date + dt.timedelta(days=30))
    reason = "Waiting for the new case management system."
