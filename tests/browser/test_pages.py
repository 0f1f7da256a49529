"""axe-core on every page, signed in as each role, at 1280 px and 400 px wide: WCAG 2.2 A and
AA rules, 0 violations. Forms are checked again submitted empty (their error state), and the
import previews (report and action plan) with a real upload. The journeys
(test_journeys.py) check the pages on their way too; this covers every other page."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action
from inspections.importer import parse_report_file
from inspections.importer.plan import apply_import
from inspections.national import distribute, national_recommendation_add, national_report_create
from notifications.services import reminders_run
from tests.browser.conftest import SEEDS
from tests.browser.support import check_accessibility, sign_in
from tests.conftest import _member
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    MeetingFactory,
    MembershipFactory,
    UpdateFactory,
    UserFactory,
)
from tests.plans.helpers import csv_bytes

pytestmark = pytest.mark.browser

REPORT = SEEDS / "peel-2018-19-avon-and-somerset-report.txt"


@pytest.fixture
def world(force, owner, teammate, coordinator, board_member, auditor, outsider, board):
    """A force part-way through its work: the sample report imported, actions in every
    state, evidence, an extension request, a meeting, reminders sent, a national report."""
    parsed = parse_report_file(REPORT.read_bytes(), REPORT.name)
    inspection, _ = apply_import(
        json.loads(json.dumps(parsed)), force=force, by=coordinator, source=REPORT.read_bytes()
    )
    findings = list(inspection.findings.order_by("pk"))
    for finding in findings:
        finding.board = board
        finding.save()
    today = timezone.localdate()
    open_action = ActionFactory(
        finding=findings[0],
        owner=owner,
        title="Clear the vetting backlog",
        due_date=today - dt.timedelta(days=3),
        description="Recruit vetting officers and clear the backlog.",
    )
    Action.objects.filter(pk=open_action.pk).update(status="in_progress", rag="amber")
    UpdateFactory(action=open_action)
    EvidenceFactory(action=open_action)
    submitted = ActionFactory(finding=findings[1], owner=teammate, title="Train supervisors")
    EvidenceFactory(action=submitted)
    Action.objects.filter(pk=submitted.pk).update(
        status="submitted", closing_summary="All supervisors trained."
    )
    extension = ExtensionRequestFactory(action=open_action)
    meeting = MeetingFactory(board=board, title="Quarterly review")
    people_manager = _member(force, "people_manager", "people")
    newcomer = UserFactory(username="newcomer")
    MembershipFactory(user=newcomer, force=force, role="owner")
    national = UserFactory(username="hmicfrs-liaison")
    national.user_permissions.add(Permission.objects.get(codename="import_national"))
    report = national_report_create(
        by=national, title="Vetting, misconduct and misogyny", programme="Vetting 2022"
    )
    national_recommendation_add(
        report=report,
        by=national,
        text="By 31 March 2023, chief constables should give their vetting units capacity.",
    )
    distribute(report, by=national)
    reminders_run(today=today)
    return {
        "inspection": inspection,
        "finding": findings[0],
        "open": open_action,
        "submitted": submitted,
        "extension": extension,
        "meeting": meeting,
        "board": board,
        "people_manager": people_manager,
        "newcomer": newcomer,
        "national": national,
        "national_report": report,
        "cast": {
            "owner": owner,
            "coordinator": coordinator,
            "board_member": board_member,
            "auditor": auditor,
            "outsider": outsider,
        },
    }


def _everyone(w):
    """Pages every signed-in person has: their lists, the force's pages, their account."""
    i, f, a = w["inspection"].pk, w["finding"].pk, w["open"].pk
    return [
        "/",
        "/actions/",
        "/actions/?overdue=true",
        f"/actions/{a}/",
        f"/findings/{f}/",
        "/inspections/",
        f"/inspections/{i}/",
        f"/inspections/{i}/report/",
        "/review/",
        "/boards/",
        f"/boards/{w['board'].pk}/",
        f"/meetings/{w['meeting'].pk}/",
        "/dashboard/",
        "/notifications/",
        "/notifications/preferences/",
        "/account/",
        "/api/tokens/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/logout/",
        "/no-such-page/",
    ]


# (path, the button that sends the form: pressed with every box empty for the error state)
FORMS = {
    "owner": lambda w: [
        ("/inspections/import/", None),  # the refusal page (403)
        (f"/actions/{w['open'].pk}/update/", "Save update"),
        (f"/actions/{w['open'].pk}/evidence/", "Add evidence"),
        (f"/actions/{w['open'].pk}/extension/", "Send request"),
    ],
    "coordinator": lambda w: [
        ("/findings/unallocated/", None),
        ("/notifications/deliveries/", None),
        ("/audit/", None),
        (f"/actions/{w['open'].pk}/edit/", None),
        (f"/findings/{w['finding'].pk}/actions/new/", "Raise action"),
        ("/inspections/import/", "Read the report"),
        ("/inspections/new/", "Add it"),
        (f"/inspections/{w['inspection'].pk}/edit/", None),
        (f"/inspections/{w['inspection'].pk}/sources/new/", "Add the document"),
        (f"/inspections/{w['inspection'].pk}/findings/new/", "Add the finding"),
        (f"/inspections/findings/{w['finding'].pk}/edit/", None),
        (f"/inspections/findings/{w['finding'].pk}/withdraw/", "Withdraw the finding"),
        ("/action-plans/", "Read the plan"),
        (f"/boards/{w['board'].pk}/", "Schedule meeting"),
    ],
    "board_member": lambda w: [
        (f"/actions/{w['submitted'].pk}/decide/", "Record decision"),
        (f"/extensions/{w['extension'].pk}/decide/", "Record decision"),
    ],
    "auditor": lambda w: [("/audit/", None)],
    # Another force's coordinator: their own (empty) lists, and Avon and Somerset's pages
    # answer "Page not found".
    "outsider": lambda w: [
        (path, None)
        for path in [
            "/",
            "/actions/",
            "/findings/unallocated/",
            "/inspections/",
            "/review/",
            "/boards/",
            "/dashboard/",
            "/notifications/",
            "/account/",
            f"/actions/{w['open'].pk}/",
        ]
    ],
    "people_manager": lambda w: [
        ("/people/", None),
        (f"/people/{w['newcomer'].pk}/", None),
        (f"/people/{w['newcomer'].pk}/deactivate/", None),
        ("/people/invite/", "Send the invitation"),
    ],
    "national": lambda w: [
        ("/inspections/national/", None),
        (f"/inspections/national/{w['national_report'].pk}/", None),
        ("/inspections/national/new/", "Add the report"),
        (
            f"/inspections/national/{w['national_report'].pk}/recommendations/new/",
            "Add and give to every force",
        ),
        ("/inspections/national/import/", "Read the report"),
    ],
}


def _sweep(page, pages, *, outsider=False):
    for path, button in pages:
        response = page.goto(path)
        expected = 200
        if path == "/no-such-page/" or (outsider and path.startswith("/actions/") and path[9:]):
            expected = 404
        elif path == "/inspections/import/" and not button:
            expected = 403
        assert response.status == expected, f"{path}: {response.status}"
        check_accessibility(page)
        if button:
            page.locator("main").get_by_role("button", name=button, exact=True).click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            check_accessibility(page)


@pytest.mark.parametrize("role", list(FORMS))
def test_every_page_passes_axe_for_each_role(page, live_server, world, role):
    user = world["cast"].get(role) or world[role]
    sign_in(page, live_server, user)
    pages = FORMS[role](world)
    if role not in {"people_manager", "national", "outsider"}:
        pages = [(path, None) for path in _everyone(world)] + pages
    _sweep(page, pages, outsider=role == "outsider")


def test_the_import_previews_pass_axe(page, live_server, world, tmp_path):
    """The report import's preview (with a held inspection: the differences view) and the
    action plan's column mapping and preview, reached by real uploads."""
    sign_in(page, live_server, world["cast"]["coordinator"])
    page.goto("/inspections/import/")
    page.get_by_label("Upload the inspection report").set_input_files(
        str(SEEDS / "peel-2018-19-avon-and-somerset-web.txt")
    )
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be imported")
    check_accessibility(page)
    page.locator("#programme").fill("")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Cancel").click()

    plan = tmp_path / "action-plan.csv"
    plan.write_bytes(
        csv_bytes(
            [
                ["1", "AFI 1", "Vetting", "Clear the backlog", "owner", "31/03/2027", "", "", ""],
                ["2", "AFI 2", "Training", "Train supervisors", "", "nonsense", "", "", ""],
            ]
        )
    )
    page.goto("/action-plans/")
    page.get_by_label("Upload the action plan").set_input_files(str(plan))
    page.get_by_role("button", name="Read the plan").click()
    expect(page.get_by_role("button", name="Check the rows")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    check_accessibility(page)


def test_signed_out_pages_pass_axe(page, live_server, world):
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.locator("[name=login]").fill("owner")
    page.locator("[name=password]").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.goto("/accounts/password/reset/")
    check_accessibility(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)


def test_the_calendar_feed_states_pass_axe(page, live_server, world):
    """Your account with the calendar feed off and on, and the page that shows its address once."""
    sign_in(page, live_server, world["cast"]["owner"])
    page.goto("/account/")
    check_accessibility(page)
    page.get_by_role("button", name="Turn on your calendar feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed on")
    address = page.get_by_label("Your calendar feed address").input_value()
    assert address.startswith(live_server.url + "/calendar/") and address.endswith(".ics")
    check_accessibility(page)
    page.get_by_role("link", name="Back to your account").click()
    expect(page.get_by_role("button", name="Reset your calendar feed address")).to_be_visible()
    check_accessibility(page)
