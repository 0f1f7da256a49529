"""make run's demo data: the sample report through the importer, and idempotent."""

import io

import pytest
from django.core.management import call_command

from actions.models import Action
from audit.models import Event
from forces.models import Membership
from inspections.models import Finding, Inspection, Judgment

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Inspection, Judgment, Finding, Action, Membership, Event)]


def test_the_demo_loads_the_sample_report_and_users():
    call_command("load_demo", stdout=io.StringIO())
    inspection = Inspection.objects.get()
    assert inspection.judgments.exclude(question="").count() == 10
    assert inspection.findings.filter(kind="area_for_improvement").count() == 6
    assert inspection.findings.filter(kind="recommendation").count() == 1
    assert Membership.objects.filter(user__username="outsider").get().force.name != (
        inspection.force.name
    )


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    before = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == before
