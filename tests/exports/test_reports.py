import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from exports.reports import printable
from tests.factories import ActionFactory, DecisionFactory, JudgmentFactory

pytestmark = pytest.mark.django_db


def test_the_report_shows_judgments_findings_actions_overdue_and_decisions(
    client, auditor, inspection, finding, owner, coordinator
):
    JudgmentFactory(inspection=inspection, question="Ethical and lawful workforce behaviour")
    late = ActionFactory(
        finding=finding,
        owner=owner,
        title="Late action",
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    DecisionFactory(action=late, decided_by=coordinator, rationale="Returned: no evidence")
    client.force_login(auditor)
    response = client.get(reverse("exports:report", args=[inspection.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Ethical and lawful workforce behaviour" in text
    assert finding.reference in text and "Late action" in text
    assert "3 days overdue" in text
    assert "Returned: no evidence" in text
    assert "Actions by status" in text and "<svg" in text  # chart, with its table
    assert "css/report.css" in text  # the print stylesheet


def test_the_pdf_report_is_a_pdf_and_an_audit_event(client, auditor, inspection, finding, force):
    ActionFactory(finding=finding, title="Vetting “backlog” – phase 2 for Łukasz")
    client.force_login(auditor)
    response = client.get(reverse("exports:report_pdf", args=[inspection.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = Event.objects.get(verb="export.report")
    assert (event.actor, event.force, event.data["inspection"]) == (auditor, force, inspection.pk)


def test_downloading_the_pdf_does_not_hide_decisions_from_the_report(
    client, auditor, inspection, action, coordinator, time_machine
):
    # The report's audit event takes the database's clock, which no test can move: the
    # decisions are made a month before it and a day after it.
    now = timezone.now()
    time_machine.move_to(now - dt.timedelta(days=31))
    DecisionFactory(action=action, decided_by=coordinator, rationale="Old decision")
    client.force_login(auditor)
    client.get(reverse("exports:report_pdf", args=[inspection.pk]))
    time_machine.move_to(now + dt.timedelta(days=1))
    DecisionFactory(action=action, decided_by=coordinator, rationale="New decision")
    client.force_login(auditor)
    text = client.get(reverse("exports:report", args=[inspection.pk])).text
    assert "New decision" in text and "Old decision" in text
    last_report = timezone.localtime(now).date().isoformat()
    assert f"?since={last_report}" in text  # the last report is offered as a date to choose
    since = (now - dt.timedelta(days=10)).date().isoformat()
    chosen = client.get(reverse("exports:report", args=[inspection.pk]) + f"?since={since}")
    assert "New decision" in chosen.text and "Old decision" not in chosen.text


def test_the_last_board_meeting_is_offered_as_the_since_date(
    client, auditor, inspection, overseen_action, board
):
    from tests.factories import MeetingFactory

    MeetingFactory(board=board, date=timezone.localdate() - dt.timedelta(days=20))
    client.force_login(auditor)
    text = client.get(reverse("exports:report", args=[inspection.pk])).text
    since = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    assert f"?since={since}" in text


def test_extension_decisions_are_in_the_report(
    client, auditor, inspection, overseen_action, owner, board_member
):
    from governance import services

    request = services.extension_request(
        action=overseen_action,
        by=owner,
        new_due_date=overseen_action.due_date + dt.timedelta(days=30),
        reason="Late supplier.",
    )
    services.extension_decide(
        request=request, by=board_member, approve=False, rationale="Not justified."
    )
    client.force_login(auditor)
    text = client.get(reverse("exports:report", args=[inspection.pk])).text
    assert "Extension rejected" in text and "Not justified." in text
    pdf = client.get(reverse("exports:report_pdf", args=[inspection.pk]))
    assert pdf.status_code == 200


def test_the_pdf_cuts_a_long_finding_at_a_word_with_an_ellipsis(inspection, auditor, monkeypatch):
    from exports import reports
    from tests.factories import FindingFactory

    FindingFactory(inspection=inspection, text="vetting " * 60)
    seen = []
    real_grid = reports._ReportPDF.grid

    def grid(self, headings, rows, widths):
        seen.extend(str(row[0]) for row in rows)
        return real_grid(self, headings, rows, widths)

    monkeypatch.setattr(reports._ReportPDF, "grid", grid)
    reports.render_pdf(reports.progress_report(inspection), by=auditor)
    [head] = [cell for cell in seen if "vetting vetting" in cell]
    text = head.split(": ", 1)[1]
    assert text.endswith("vetting...")
    assert len(text) <= reports.FINDING_CHARS


def test_a_since_date_that_is_not_a_date_is_explained(client, auditor, inspection):
    client.force_login(auditor)
    response = client.get(reverse("exports:report", args=[inspection.pk]) + "?since=last+week")
    assert "Enter the date as YYYY-MM-DD" in response.text


def test_another_forces_report_does_not_exist(client, outsider, inspection):
    client.force_login(outsider)
    assert client.get(reverse("exports:report", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("exports:report_pdf", args=[inspection.pk])).status_code == 404


def test_pdf_text_keeps_every_character_but_control_characters():
    assert printable("“Café” – Łódź…\x00\x07") == "“Café” – Łódź…"
    assert printable(None) == ""


@pytest.mark.parametrize("rows", [5, 50])
def test_the_report_costs_the_same_queries_for_5_or_50_actions(
    client, auditor, finding, owner, coordinator, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        action = ActionFactory(finding=finding, owner=owner)
        DecisionFactory(action=action, decided_by=coordinator)
    client.force_login(auditor)
    # session, user, nav memberships, inspection, last report, totals, counts by status,
    # RAG and progress, judgments, findings, their actions, overdue, decisions, owners
    with django_assert_max_num_queries(18):
        assert (
            client.get(reverse("exports:report", args=[finding.inspection_id])).status_code == 200
        )
    # the same, less the page's nav, plus forces, roles and the event insert with its two
    # chain queries (the chain head's next number and hash, then its update)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("exports:report_pdf", args=[finding.inspection_id]))
        assert response.status_code == 200
