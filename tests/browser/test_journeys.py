"""Each role's journey through PEELtrack in Chromium, as a person does it: with the mouse,
and with the keyboard only (the board member's whole journey; the owner's, coordinator's and
auditor's main steps; a report upload needs the file dialog, so it has none). axe-core
checks every page on the way at 1280 px and 400 px wide, error states included, and each
journey's last step is saved as a screenshot."""

import datetime as dt
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action, Evidence
from governance.models import ExtensionRequest
from inspections.models import Inspection
from tests.browser.conftest import SEEDS
from tests.browser.support import check_accessibility, sign_in, tab_to
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    FindingFactory,
    InspectionFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("journey_screenshot")]

PDF = b"%PDF-1.4\n% vetting policy, approved\n%%EOF\n"


def _error_summary(page, *messages):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to it
    for message in messages:
        expect(summary).to_contain_text(message)
    assert page.title().startswith("Error: ")


def _date(page, name, day):
    page.locator(f"[name={name}_0]").fill(str(day.day))
    page.locator(f"[name={name}_1]").fill(str(day.month))
    page.locator(f"[name={name}_2]").fill(str(day.year))


def test_owner_finds_an_overdue_action_and_takes_it_to_closure(
    page,
    live_server,
    owner,
    finding,
    board,
):
    finding.board = board
    finding.save()
    today = timezone.localdate()
    ActionFactory(finding=finding, owner=owner, title="Publish the vetting policy")
    overdue = ActionFactory(
        finding=finding,
        owner=owner,
        title="Clear the vetting backlog",
        due_date=today - dt.timedelta(days=10),
    )
    sign_in(page, live_server, owner)
    row = page.locator("tr", has_text="Clear the vetting backlog")
    expect(row).to_contain_text("overdue")
    check_accessibility(page)
    row.get_by_role("link", name="Clear the vetting backlog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clear the vetting backlog")
    check_accessibility(page)

    # Post an update: refused empty, then saved.
    page.get_by_role("link", name="Post an update").click()
    page.get_by_role("button", name="Save update").click()
    _error_summary(page, "Enter a note describing the progress or decision")
    check_accessibility(page)
    page.get_by_label("What has happened since the last update?").fill(
        "Two vetting officers hired."
    )
    page.get_by_label("Progress (%)").fill("30")
    page.get_by_label("Start work").check()
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".app-timeline")).to_contain_text("Two vetting officers hired.")
    expect(page.locator(".govuk-tag").first).to_have_text("In progress")

    # Upload evidence: refused empty, then kept.
    page.get_by_role("link", name="Add evidence").click()
    page.get_by_role("button", name="Add evidence").click()
    _error_summary(page, "Choose a file to upload or enter a link")
    check_accessibility(page)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "vetting-policy.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Describe the evidence").fill("The approved vetting policy.")
    _date(page, "effective_date", today)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence ~ div table")).to_contain_text("vetting-policy.pdf")
    assert Evidence.objects.get(action=overdue).original_name == "vetting-policy.pdf"

    # Ask for more time: refused empty, then sent to the board.
    page.get_by_role("link", name="Ask for more time").click()
    page.get_by_role("button", name="Send request").click()
    _error_summary(page, "Enter the new due date", "Enter why the action needs more time")
    check_accessibility(page)
    _date(page, "new_due_date", today + dt.timedelta(days=45))
    page.get_by_label("Why does the action need more time?").fill("Waiting for new IT.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Due date history")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Awaiting decision")

    # Submit for closure, with a closing summary.
    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("What has happened since the last update?").fill("Backlog cleared.")
    page.get_by_label("Submit for closure").check()
    page.get_by_label("Closing summary").fill("All staff vetted; the policy is attached.")
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-tag").first).to_have_text("Submitted for closure")
    check_accessibility(page)
    overdue.refresh_from_db()
    assert overdue.status == "submitted"
    assert ExtensionRequest.objects.get(action=overdue).state == "pending"


def test_coordinator_imports_the_sample_report_and_allocates_its_findings(
    page,
    live_server,
    coordinator,
    owner,
    teammate,
    force,
):
    sign_in(page, live_server, coordinator)
    page.get_by_role("link", name="Inspections", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name="Import a report").click()
    page.get_by_role("button", name="Read the report").click()
    _error_summary(page, "Choose the report file to upload")
    check_accessibility(page)
    page.get_by_label("Upload the inspection report").set_input_files(
        str(SEEDS / "peel-2018-19-avon-and-somerset-report.txt")
    )
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be imported")
    check_accessibility(page)
    page.get_by_role("button", name="Confirm and import").click()
    inspection = Inspection.objects.get(force=force)
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("PEEL 2018/19")
    check_accessibility(page)

    # Allocate: raise an action on the first finding with no action.
    page.get_by_role("link", name="To allocate").click()
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Raise action for ")).first.click()
    page.get_by_role("button", name="Raise action").click()
    _error_summary(page, "Enter the due date")
    check_accessibility(page)
    page.get_by_label("Title").fill("Vet every member of staff")
    page.get_by_label("Owner").select_option(label=f"{owner.get_full_name()} ({owner.username})")
    due = timezone.localdate() + dt.timedelta(days=90)
    _date(page, "due_date", due)
    page.get_by_role("button", name="Raise action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vet every member of staff")
    action = Action.objects.get(title="Vet every member of staff")
    assert action.owner == owner

    # Reallocate it to a teammate with a later date: the first agreed date is kept.
    page.get_by_role("link", name="Edit or reallocate").click()
    check_accessibility(page)
    page.get_by_label("Owner").select_option(
        label=f"{teammate.get_full_name()} ({teammate.username})"
    )
    _date(page, "due_date", due + dt.timedelta(days=30))
    # Moving the agreed date needs a reason, kept in the action's history.
    page.get_by_label("Why is the due date changing?").fill("The vetting unit starts in May.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(teammate.get_full_name())
    check_accessibility(page)
    action.refresh_from_db()
    assert action.owner == teammate
    assert action.original_due_date == due


def test_board_member_reviews_decides_and_prints_the_pack_by_keyboard_only(
    page,
    live_server,
    board_member,
    board,
    owner,
    finding,
):
    finding.board = board
    finding.save()
    done = ActionFactory(finding=finding, owner=owner, title="Train the vetting unit")
    more = ActionFactory(finding=finding, owner=owner, title="Audit the vetting files")
    for action in (done, more):
        EvidenceFactory(action=action)
        Action.objects.filter(pk=action.pk).update(
            status="submitted", closing_summary="Done, see the evidence."
        )
    late = ActionFactory(finding=finding, owner=owner, title="Replace the vetting system")
    ActionFactory(
        finding=finding,
        owner=owner,
        title="Recruit vetting officers",
        due_date=timezone.localdate() - dt.timedelta(days=5),
    )
    extension = ExtensionRequestFactory(action=late)
    meeting = MeetingFactory(board=board, title="Quarterly review")
    # window.print opens a dialog headless Chromium cannot show: count the calls instead.
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed++; };")

    sign_in(page, live_server, board_member, keyboard=True)
    tab_to(page, page.get_by_role("link", name="Review", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    check_accessibility(page)

    # Sign off one: the radios are chosen with Space, the form sent with Enter.
    tab_to(page, page.get_by_role("link", name="Decide on Train the vetting unit"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Train the vetting unit")
    tab_to(page, page.get_by_role("button", name="Record decision"))
    page.keyboard.press("Enter")
    _error_summary(page, "Choose whether to sign off or return the action")
    check_accessibility(page)
    tab_to(page, page.get_by_label("Sign off: the work is done"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Why?"))
    page.keyboard.type("The evidence shows the unit is trained.")
    tab_to(page, page.get_by_role("button", name="Record decision"))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # Return the other with a rationale.
    page.goto("/review/")
    tab_to(page, page.get_by_role("link", name="Decide on Audit the vetting files"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Sign off: the work is done"))
    page.keyboard.press("ArrowDown")  # moves to, and chooses, "Return for more work"
    expect(page.get_by_label("Return for more work")).to_be_checked()
    tab_to(page, page.get_by_label("Why?"))
    page.keyboard.type("Audit only half the files; finish the rest.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # Decide the extension request.
    page.goto("/review/")
    tab_to(page, page.locator(f"a[href='/extensions/{extension.pk}/decide/']"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/extensions/{extension.pk}/decide/$"))
    check_accessibility(page)
    tab_to(page, page.get_by_label("Approve the new due date"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Why?"))
    page.keyboard.type("The new system arrives in the spring.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # The meeting pack, through Boards, printed with the keyboard.
    tab_to(page, page.get_by_role("link", name="Boards", exact=True), backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance boards")
    check_accessibility(page)
    tab_to(page, page.get_by_role("link", name=board.name))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=re.compile("Quarterly review")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda pack")
    expect(page.locator("#overdue + *")).to_contain_text("Recruit vetting officers")
    check_accessibility(page)
    tab_to(page, page.get_by_role("button", name="Print or save as PDF"))
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") == 1
    # What the printer gets: a PDF, without the navigation and buttons.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    assert page.pdf()[:5] == b"%PDF-"
    page.emulate_media(media="screen")

    done.refresh_from_db()
    more.refresh_from_db()
    late.refresh_from_db()
    extension.refresh_from_db()
    assert done.status == "closed"
    assert more.status == "in_progress"
    assert extension.state == "approved"
    assert late.due_date == extension.requested_due_date
    assert meeting.board == board


def test_auditor_filters_exports_and_opens_an_evidence_pack(
    page,
    live_server,
    auditor,
    owner,
    inspection,
    tmp_path,
):
    finding = FindingFactory(inspection=inspection, reference="AFI 1")
    started = ActionFactory(finding=finding, owner=owner, title="Vet the contractors")
    Action.objects.filter(pk=started.pk).update(status="in_progress")
    ActionFactory(finding=finding, owner=owner, title="Not begun yet")
    EvidenceFactory(action=started, original_name="contractors.pdf")

    sign_in(page, live_server, auditor)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="All actions").click()
    check_accessibility(page)
    filters = page.locator("form.app-filter")
    filters.get_by_label("In progress").check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    table = page.locator("main table").first
    expect(table).to_contain_text("Vet the contractors")
    expect(table).not_to_contain_text("Not begun yet")
    check_accessibility(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name=re.compile(r"^Actions as CSV")).click()
    csv_path = csv_download.value.path()
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "Vet the contractors" in text
    assert "Not begun yet" not in text
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (actions)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    assert zipfile.is_zipfile(xlsx_download.value.path())

    with page.expect_download() as pack_download:
        page.get_by_role("link", name=re.compile(r"^Evidence pack \(ZIP\)")).click()
    folder = tmp_path / "pack"
    with zipfile.ZipFile(pack_download.value.path()) as pack:
        pack.extractall(folder)
    index = next(folder.rglob("index.html"))
    page.goto(index.as_uri())
    expect(page.locator("body")).to_contain_text("Vet the contractors")
    evidence_link = page.get_by_role("link", name=re.compile("contractors.pdf"))
    expect(evidence_link).to_be_visible()
    target = (index.parent / evidence_link.get_attribute("href")).resolve()
    assert target.read_bytes().startswith(b"%PDF")
    check_accessibility(page)

    page.goto(f"/inspections/{inspection.pk}/")
    check_accessibility(page)
    page.get_by_role("link", name="Progress report", exact=True).click()
    check_accessibility(page)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf_download.value.path().read_bytes()[:5] == b"%PDF-"


def test_outsider_gets_not_found_for_another_forces_pages(
    page,
    live_server,
    outsider,
    action,
    board,
):
    evidence = EvidenceFactory(action=action)
    extension = ExtensionRequestFactory(action=action)
    meeting = MeetingFactory(board=board)
    other = InspectionFactory(force=action.finding.inspection.force, programme="PEEL 2021/22")
    UserFactory()  # someone else, not in the outsider's force
    pages = [
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/update/",
        f"/actions/{action.pk}/evidence/",
        f"/actions/{action.pk}/decide/",
        f"/findings/{action.finding.pk}/",
        f"/inspections/{other.pk}/",
        f"/inspections/{other.pk}/report/",
        f"/boards/{board.pk}/",
        f"/meetings/{meeting.pk}/",
        f"/extensions/{extension.pk}/decide/",
        f"/evidence/{evidence.pk}/download/",
    ]
    sign_in(page, live_server, outsider)
    for path in pages:
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.locator("main")).not_to_contain_text(action.title)
    check_accessibility(page)
    # The outsider's own lists do not show the other force's work either.
    page.goto("/actions/")
    expect(page.locator("main")).not_to_contain_text(action.title)


def test_owner_updates_and_asks_for_more_time_by_keyboard_only(
    page, live_server, owner, finding, board
):
    finding.board = board
    finding.save()
    action = ActionFactory(
        finding=finding,
        owner=owner,
        title="Clear the vetting backlog",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    sign_in(page, live_server, owner, keyboard=True)
    # The "signed in" banner takes focus as it appears (GOV.UK's success banner); on the
    # page reloaded, the skip link is the first stop and takes the keyboard past the menu.
    page.reload()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    tab_to(page, page.get_by_role("link", name="Clear the vetting backlog"))
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_role("link", name="Post an update"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("What has happened since the last update?"))
    page.keyboard.type("Two vetting officers hired.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Progress (%)")).to_be_focused()
    page.keyboard.type("30")
    tab_to(page, page.get_by_label("No, keep it as it is"))
    page.keyboard.press("ArrowDown")  # the next choice: "Start work"
    expect(page.get_by_label("Start work")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save update"))
    page.keyboard.press("Enter")
    expect(page.locator(".app-timeline")).to_contain_text("Two vetting officers hired.")

    tab_to(page, page.get_by_role("link", name="Ask for more time"))
    page.keyboard.press("Enter")
    later = timezone.localdate() + dt.timedelta(days=40)
    tab_to(page, page.locator("[name=new_due_date_0]"))
    for part in (later.day, later.month, later.year):
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")
    expect(page.get_by_label("Why does the action need more time?")).to_be_focused()
    page.keyboard.type("Waiting for new IT.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Awaiting decision")
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert action.progress == 30
    assert ExtensionRequest.objects.get(action=action).requested_due_date == later


def test_auditor_filters_and_exports_by_keyboard_only(page, live_server, auditor, owner, finding):
    started = ActionFactory(finding=finding, owner=owner, title="Vet the contractors")
    Action.objects.filter(pk=started.pk).update(status="in_progress")
    ActionFactory(finding=finding, owner=owner, title="Not begun yet")
    sign_in(page, live_server, auditor, keyboard=True)
    tab_to(
        page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="All actions")
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    tab_to(page, page.locator("form.app-filter").get_by_label("In progress"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Apply filters"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    expect(page.locator("main table").first).not_to_contain_text("Not begun yet")
    tab_to(page, page.get_by_role("link", name=re.compile(r"^Actions as CSV")))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "Vet the contractors" in text
    assert "Not begun yet" not in text


def test_coordinator_raises_an_action_by_keyboard_only(
    page, live_server, coordinator, owner, finding
):
    due = timezone.localdate() + dt.timedelta(days=60)
    sign_in(page, live_server, coordinator, keyboard=True)
    tab_to(page, page.get_by_role("link", name="To allocate"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=f"Raise action for {finding.reference}"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Vet every contractor")
    tab_to(page, page.get_by_label("Owner"))
    # A focused select changes with the arrow keys, without opening.
    wanted = f"{owner.get_full_name()} ({owner.username})"
    for _ in range(10):
        if page.get_by_label("Owner").evaluate("s => s.selectedOptions[0].text") == wanted:
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, page.locator("[name=due_date_0]"))
    for part in (due.day, due.month, due.year):
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")
    tab_to(page, page.get_by_role("button", name="Raise action"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vet every contractor")
    action = Action.objects.get(title="Vet every contractor")
    assert action.owner == owner
    assert action.due_date == due
