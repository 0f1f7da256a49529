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


def _make_run_commands(*args) -> list[str]:
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in __import__("os").environ.items() if k != "SITE_URL"}
    out = subprocess.run(
        ["make", "-n", "run", *args], cwd=root, capture_output=True, text=True, env=env
    )
    return out.stdout.splitlines()


def test_make_run_links_emails_to_the_host_it_serves():
    lines = _make_run_commands("HOST=127.0.0.1:8123")
    for command in ("send_reminders", "db_worker", "runserver"):
        [line] = [line for line in lines if f"manage.py {command}" in line]
        assert "SITE_URL=http://127.0.0.1:8123 " in line, command


def test_make_run_migrates_quietly():
    [line] = [line for line in _make_run_commands() if "manage.py migrate" in line]
    assert "-v 0" in line


def test_the_licence_is_an_spdx_expression():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"][0]
