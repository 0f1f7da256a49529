import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Evidence, Status
from audit.models import Event
from tests.factories import ActionFactory, EvidenceFactory, FindingFactory, UpdateFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _future(days=30):
    d = timezone.localdate() + dt.timedelta(days=days)
    return {"due_date_0": d.day, "due_date_1": d.month, "due_date_2": d.year}


def _evidence_post(client, action, upload=None, **extra):
    data = {
        "description": "Signed-off vetting policy",
        "effective_date_0": "1",
        "effective_date_1": "6",
        "effective_date_2": "2020",
        "marking": "OFFICIAL",
        **extra,
    }
    if upload is not None:
        data["file"] = upload
    return client.post(reverse("actions:evidence_add", args=[action.pk]), data)


def test_pages_need_a_signed_in_user(client, action):
    response = client.get(reverse("actions:detail", args=[action.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_my_actions_lists_only_mine(client, owner, action, finding, teammate):
    ActionFactory(finding=finding, owner=teammate, title="Someone else's")
    client.force_login(owner)
    response = client.get(reverse("actions:home"))
    assert action.title in response.text
    assert "Someone else" not in response.text
    assert "Avon and Somerset Constabulary" in response.text  # who you are and your force


def test_it_hides_another_forces_action(client, outsider, action):
    client.force_login(outsider)
    for name in ("detail", "update", "edit", "evidence_add"):
        assert client.get(reverse(f"actions:{name}", args=[action.pk])).status_code == 404
    assert client.get(reverse("actions:finding", args=[action.finding.pk])).status_code == 404


def test_the_action_page_shows_the_finding_and_timeline(client, owner, action):
    action.apply_update(by=owner, note="Kick-off held", transition="start")
    client.force_login(owner)
    response = client.get(reverse("actions:detail", args=[action.pk]))
    assert action.finding.text in response.text
    assert "Kick-off held" in response.text
    assert "Start work" in response.text


def test_an_owner_posts_an_update_with_a_transition(client, owner, action):
    client.force_login(owner)
    url = reverse("actions:update", args=[action.pk])
    response = client.post(
        url,
        {"note": "Started", "progress": "10", "rag": "green", "transition": "start", "version": 1},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress, action.rag) == ("in_progress", 10, "green")


def test_a_missing_note_is_shown_and_typed_input_kept(client, owner, action):
    client.force_login(owner)
    response = client.post(
        reverse("actions:update", args=[action.pk]),
        {"note": "", "progress": "35", "version": 1},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Enter a note" in response.text
    assert 'value="35"' in response.text


def test_the_owner_is_not_offered_closure(client, owner, action):
    Action.objects.filter(pk=action.pk).update(status=Status.SUBMITTED)
    client.force_login(owner)
    response = client.get(reverse("actions:update", args=[action.pk]))
    assert "Close (sign off)" not in response.text
    assert "Return for more work" not in response.text


def test_a_coordinator_closes_through_the_update_form(client, coordinator, action):
    Action.objects.filter(pk=action.pk).update(status=Status.SUBMITTED)
    client.force_login(coordinator)
    form = client.get(reverse("actions:update", args=[action.pk]))
    assert "Close (sign off)" in form.text
    client.post(
        reverse("actions:update", args=[action.pk]),
        {"note": "Evidence accepted", "transition": "close", "version": 1},
    )
    action.refresh_from_db()
    assert action.status == Status.CLOSED


def test_submitting_without_evidence_is_refused_next_to_the_field(client, owner, action):
    Action.objects.filter(pk=action.pk).update(status=Status.IN_PROGRESS)
    client.force_login(owner)
    response = client.post(
        reverse("actions:update", args=[action.pk]),
        {"note": "Done", "transition": "submit", "closing_summary": "All done", "version": 1},
    )
    assert "Attach at least one piece of evidence" in response.text
    assert "All done" in response.text


def test_a_stale_update_is_refused_showing_the_other_change(client, owner, coordinator, action):
    client.force_login(owner)
    action.edit(by=coordinator, changes={"team": "PSD"})
    response = client.post(
        reverse("actions:update", args=[action.pk]),
        {"note": "My careful note", "progress": "50", "version": 1},
    )
    assert response.status_code == 409
    assert "changed after you opened it" in response.text
    assert "Action edited" in response.text
    assert "My careful note" in response.text
    action.refresh_from_db()
    assert action.progress == 0


def test_an_auditor_cannot_post_updates(client, auditor, action):
    client.force_login(auditor)
    assert client.get(reverse("actions:update", args=[action.pk])).status_code == 403


def test_an_owner_uploads_a_pdf_and_its_hash_is_recorded(client, owner, action):
    import hashlib

    client.force_login(owner)
    response = _evidence_post(
        client, action, SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf")
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.size == len(PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "policy.pdf"
    assert "policy" not in evidence.file.name  # stored under a random name
    assert Event.objects.filter(verb="evidence.add", action_id=action.pk).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "are not accepted"),
        ("policy.pdf", PNG, "content is not a PDF"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("notes.txt", b"\x00\x01\x02binary", "content is not a TXT"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(client, owner, action, name, content, message):
    client.force_login(owner)
    response = _evidence_post(client, action, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.text
    assert "Signed-off vetting policy" in response.text  # what was typed is kept
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, owner, action, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(owner)
    response = _evidence_post(client, action, SimpleUploadedFile("policy.pdf", PDF))
    assert "must be smaller than" in response.text


def test_a_duplicate_upload_is_refused(client, owner, action):
    client.force_login(owner)
    _evidence_post(client, action, SimpleUploadedFile("policy.pdf", PDF))
    response = _evidence_post(client, action, SimpleUploadedFile("copy.pdf", PDF))
    assert "already attached" in response.text
    assert Evidence.objects.count() == 1


def test_a_new_version_supersedes_and_both_stay(client, owner, action):
    client.force_login(owner)
    _evidence_post(client, action, SimpleUploadedFile("policy.pdf", PDF))
    first = Evidence.objects.get()
    _evidence_post(
        client,
        action,
        SimpleUploadedFile("policy-v2.pdf", PDF + b"%v2\n"),
        supersedes=str(first.pk),
    )
    assert Evidence.objects.count() == 2
    assert list(action.evidence.current()) == [Evidence.objects.get(original_name="policy-v2.pdf")]


def test_a_link_can_be_evidence(client, owner, action):
    client.force_login(owner)
    _evidence_post(client, action, url="https://intranet.example.police.uk/vetting")
    assert Evidence.objects.get().kind == "link"


def test_evidence_downloads_as_an_attachment_and_is_audited(client, auditor, action):
    evidence = EvidenceFactory(action=action, original_name='evil"name<.pdf')
    client.force_login(auditor)
    response = client.get(reverse("actions:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert '"' not in response["Content-Disposition"].split("filename=")[1].strip('"')
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Event.objects.filter(verb="evidence.download", actor=auditor).exists()


def test_another_force_cannot_download_evidence(client, outsider, action):
    evidence = EvidenceFactory(action=action)
    client.force_login(outsider)
    assert client.get(reverse("actions:evidence_download", args=[evidence.pk])).status_code == 404


def test_sensitive_evidence_is_need_to_know(client, teammate, auditor, action):
    evidence = EvidenceFactory(action=action, marking="OFFICIAL-SENSITIVE")
    url = reverse("actions:evidence_download", args=[evidence.pk])
    client.force_login(teammate)
    assert client.get(url).status_code == 404
    assert "not shown to you" in client.get(reverse("actions:detail", args=[action.pk])).text
    client.force_login(auditor)
    assert client.get(url).status_code == 200


def test_a_coordinator_raises_and_allocates_an_action(client, coordinator, finding, owner):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:create", args=[finding.pk]),
        {"title": "Vetting backlog plan", "owner": owner.pk, "priority": "high", **_future()},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.priority) == (owner, "high")
    assert action.original_due_date == action.due_date


def test_a_past_due_date_is_refused(client, coordinator, finding):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:create", args=[finding.pk]),
        {"title": "Plan", "priority": "high", **_future(-3)},
    )
    assert "must be today or in the future" in response.text
    assert not Action.objects.exists()


def test_an_owner_cannot_raise_or_edit_actions(client, owner, action):
    client.force_login(owner)
    assert client.get(reverse("actions:create", args=[action.finding.pk])).status_code == 403
    assert client.get(reverse("actions:edit", args=[action.pk])).status_code == 403


def test_a_coordinator_reallocates_and_the_change_is_audited(client, coordinator, action, teammate):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:edit", args=[action.pk]),
        {
            "title": action.title,
            "owner": teammate.pk,
            "priority": "medium",
            "version": action.version,
            **_future(60),
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(verb="action.edit")
    assert event.changes["owner"] == ["owner", "teammate"]


def test_concurrent_edits_the_second_is_refused(client, coordinator, action, owner):
    client.force_login(coordinator)
    seen = action.version
    action.apply_update(by=owner, note="Meanwhile", progress=20)
    response = client.post(
        reverse("actions:edit", args=[action.pk]),
        {"title": "Renamed", "priority": "medium", "version": seen, **_future(60)},
    )
    assert "changed after you opened it" in response.text
    assert "Renamed" in response.text
    action.refresh_from_db()
    assert action.title != "Renamed"


def test_findings_awaiting_allocation(client, coordinator, inspection, action):
    bare = FindingFactory(inspection=inspection, reference="AFI 9")
    unowned = ActionFactory(finding=FindingFactory(inspection=inspection), owner=None)
    client.force_login(coordinator)
    response = client.get(reverse("actions:unallocated"))
    assert bare.reference in response.text
    assert unowned.finding.reference in response.text
    assert action.finding.reference not in response.text


def test_only_coordinators_see_the_allocation_queue(client, owner):
    client.force_login(owner)
    assert client.get(reverse("actions:unallocated")).status_code == 403


def test_overdue_and_stale_lists(client, coordinator, finding):
    late = ActionFactory(finding=finding, due_date=dt.date(2020, 1, 1), title="Late one")
    ActionFactory(finding=finding, title="On time one")
    client.force_login(coordinator)
    overdue = client.get(reverse("actions:list") + "?overdue=true")
    assert late.title in overdue.text
    assert "On time one" not in overdue.text
    assert "days overdue" in overdue.text


def test_a_bad_filter_value_does_not_crash(client, coordinator, action):
    client.force_login(coordinator)
    response = client.get(reverse("actions:list") + "?inspection=abc&status=nonsense")
    assert response.status_code == 200


def _list_rows(finding, owner, n):
    for _ in range(n):
        action = ActionFactory(finding=finding, owner=owner)
        UpdateFactory(action=action)
        EvidenceFactory(action=action, content=f"%PDF-{action.pk}".encode())


@pytest.mark.parametrize("rows", [5, 50])
def test_list_pages_cost_the_same_queries_for_5_or_50_rows(
    client, owner, coordinator, finding, rows, django_assert_max_num_queries
):
    _list_rows(finding, owner, rows)
    client.force_login(coordinator)
    # session, user, memberships (nav), roles, filter choices (inspections, owners),
    # count, page of rows
    with django_assert_max_num_queries(10):
        assert client.get(reverse("actions:list")).status_code == 200
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("actions:home")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_action_page_costs_the_same_queries_however_long_its_history(
    client, owner, action, rows, django_assert_max_num_queries
):
    for n in range(rows):
        action.apply_update(by=owner, note=f"Update {n}", progress=n)
        EvidenceFactory(action=action, content=f"%PDF-{n}".encode())
    client.force_login(owner)
    # session, user, memberships, action, roles, evidence, count, timeline, unread count
    with django_assert_max_num_queries(11):
        assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_inspection_page_costs_the_same_queries_for_5_or_50_actions(
    client, coordinator, inspection, rows, django_assert_max_num_queries
):
    findings = [FindingFactory(inspection=inspection) for _ in range(rows // 5)]
    for n in range(rows):
        ActionFactory(finding=findings[n % len(findings)])
    for finding in findings:
        ActionFactory(finding=finding, status="closed")
    client.force_login(coordinator)
    # session, user, memberships (nav), unread notices, inspection, judgments, findings
    # with their action counts, roles
    with django_assert_max_num_queries(10):
        response = client.get(reverse("actions:inspection", args=[inspection.pk]))
    assert "1 closed" in response.text


def test_someone_who_owns_nothing_is_shown_where_to_start(client, board_member, action):
    client.force_login(board_member)
    response = client.get(reverse("actions:home"))
    assert "Where to start" in response.text
    assert reverse("governance:review") in response.text


def test_a_downloaded_file_keeps_its_original_name(client, auditor, action):
    from urllib.parse import quote

    evidence = EvidenceFactory(action=action, original_name="Debrief procedure (révisé).pdf")
    client.force_login(auditor)
    response = client.get(reverse("actions:evidence_download", args=[evidence.pk]))
    header = response["Content-Disposition"]
    assert f"filename*=utf-8''{quote('Debrief procedure (révisé).pdf')}" in header
    assert "Debrief_procedure" not in header


def test_the_evidence_form_suggests_today_as_the_effective_date(client, owner, action):
    client.force_login(owner)
    response = client.get(reverse("actions:evidence_add", args=[action.pk]))
    today = timezone.localdate()
    form = response.context["form"]
    assert form["effective_date"].value() == today or form.initial.get("effective_date") == today
    assert f'value="{today.year}"' in response.text


def test_the_evidence_form_asks_for_the_file_again_by_name(client, owner, action):
    client.force_login(owner)
    response = _evidence_post(client, action, SimpleUploadedFile("policy.pdf", PDF), description="")
    assert "Enter a description of the evidence" in response.text
    assert "Choose the file again: you chose “policy.pdf”" in response.text
    assert not Evidence.objects.exists()


def test_the_owner_list_offers_owners_not_auditors_or_board_members(
    client, coordinator, finding, owner, auditor, board_member
):
    client.force_login(coordinator)
    response = client.get(reverse("actions:create", args=[finding.pk]))
    offered = set(response.context["form"].fields["owner"].queryset)
    assert owner in offered
    assert auditor not in offered and board_member not in offered


def test_the_review_tab_is_only_for_those_who_review(client, owner, board_member, board):
    client.force_login(owner)
    assert reverse("governance:review") not in client.get(reverse("actions:home")).text
    client.force_login(board_member)
    assert reverse("governance:review") in client.get(reverse("actions:home")).text


def test_the_menu_widens_on_a_1280px_screen_so_it_does_not_wrap():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    wide = css.split("@media (min-width: 80em)", 1)[1].split("}\n}", 1)[0]
    assert "max-width: 1200px" in wide and "white-space: nowrap" in wide


def test_the_filters_fold_on_a_narrow_screen_so_the_list_comes_first(client, owner):
    from pathlib import Path

    client.force_login(owner)
    text = client.get(reverse("actions:list")).text
    assert '<details class="govuk-details app-filter-details" data-app-filters open>' in text
    assert "js/filters" in text
    script = (Path(__file__).resolve().parents[2] / "static/js/filters.js").read_text()
    assert 'matchMedia("(max-width: 40.0525em)")' in script and "panel.open = false" in script
    with_error = client.get(reverse("actions:list") + "?owner=999999")
    assert "data-app-keep-open" in with_error.text
