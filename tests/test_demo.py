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


def test_demo_users_sign_in_with_the_demo_password_through_the_sign_in_page(client, settings):
    # `make run` turns two-factor off for the demo (REQUIRE_2FA=false); the demo password
    # is set directly, not through the password policy.
    settings.REQUIRE_2FA = False
    call_command("load_demo", stdout=io.StringIO())
    for username in ("coordinator", "people", "admin"):
        client.post("/accounts/logout/")
        response = client.post(
            "/accounts/login/", {"login": username, "password": "peeltrack-demo"}
        )
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username


def test_make_run_serves_the_demo_with_two_factor_off():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    assert "REQUIRE_2FA=false $(PY) manage.py runserver" in makefile
