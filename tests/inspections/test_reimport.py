"""Re-importing never loses or silently changes what is held.

The issue's example first: the full Avon and Somerset report, then the partial web page
(Effectiveness only) that says January 2020 and gives one question an older year."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from inspections.importer import parse_report_file
from inspections.importer.plan import PlanOutdated, apply_import, plan_import
from inspections.models import Finding, Inspection, InspectionSource
from tests.factories import ActionFactory
from tests.inspections.importer_helpers import REPORT_HTML, REPORT_TXT

pytestmark = pytest.mark.django_db

PREVENTING = "Preventing crime and tackling anti-social behaviour"


def _parse(path):
    return json.loads(json.dumps(parse_report_file(path.read_bytes(), path.name)))


def _import(path, force, by, **kwargs):
    return apply_import(
        _parse(path), force=force, by=by, source=path.read_bytes(), source_name=path.name, **kwargs
    )


def test_the_partial_web_page_after_the_full_report_changes_nothing_silently(force, coordinator):
    _import(REPORT_TXT, force, coordinator)
    inspection, _ = _import(REPORT_HTML, force, coordinator)
    inspection.refresh_from_db()
    assert inspection.published == dt.date(2020, 2, 1)
    assert inspection.response_due == dt.date(2020, 3, 28)
    assert inspection.judgments.get(question=PREVENTING).last_inspected == "2017/18"
    assert inspection.judgments.count() == 13
    assert inspection.findings.count() == 10


def test_each_difference_of_the_partial_page_is_shown_for_a_decision(force, coordinator):
    _import(REPORT_TXT, force, coordinator)
    plan = plan_import(_parse(REPORT_HTML), force=force)
    shown = [(c.subject, c.field_label, c.held_display, c.document_display) for c in plan.changes]
    assert shown == [
        ("The inspection", "Month of publication", "February 2020", "January 2020"),
        (f"{PREVENTING} (Effectiveness)", "Last inspected", "2017/18", "2016/17"),
    ]
    assert [c.default for c in plan.changes] == [None, None]  # both replace: nothing by default
    assert len(plan.missing_judgments) == 7  # Efficiency and Legitimacy: held, kept
    assert len(plan.missing) == 6
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 4}


def test_accepting_the_month_moves_the_pcc_deadline_and_is_audited(force, coordinator):
    _import(REPORT_TXT, force, coordinator)
    inspection, plan = _import(
        REPORT_HTML,
        force,
        coordinator,
        decisions={"published": "use", "judgment-1-last_inspected": "keep"},
    )
    inspection.refresh_from_db()
    assert inspection.response_due == dt.date(2020, 2, 26)
    assert inspection.judgments.get(question=PREVENTING).last_inspected == "2017/18"
    event = Event.objects.get(verb="inspection.correct")
    assert event.changes == {"published": ["2020-02-01", "2020-01-01"]}
    summary = Event.objects.filter(verb="inspection.import").first()
    assert [c["field"] for c in summary.data["accepted"]] == ["Month of publication"]
    assert [c["field"] for c in summary.data["kept"]] == ["Last inspected"]


def test_every_source_document_is_kept_with_its_hash(force, coordinator):
    _import(REPORT_TXT, force, coordinator)
    inspection, _ = _import(REPORT_HTML, force, coordinator)
    _import(REPORT_HTML, force, coordinator)  # the same file again: kept once
    sources = list(inspection.sources.all())
    assert [(s.name, s.format, s.kind) for s in sources] == [
        (REPORT_TXT.name, "text", "imported"),
        (REPORT_HTML.name, "html", "imported"),
    ]
    assert sources[0].file.read() == REPORT_TXT.read_bytes()
    assert len({s.sha256 for s in sources}) == 2
    assert inspection.findings.first().source == sources[0]


def test_a_changed_grade_is_shown_and_kept_until_accepted(force, coordinator):
    inspection, _ = _import(REPORT_TXT, force, coordinator)
    regraded = _parse(REPORT_TXT)
    regraded["judgments"][2]["grade"] = "Requires improvement"  # Investigating crime
    plan = plan_import(regraded, force=force)
    [change] = plan.changes
    assert (change.field_label, change.held_display, change.document_display) == (
        "Grade",
        "Good",
        "Requires improvement",
    )
    apply_import(json.loads(json.dumps(regraded)), force=force, by=coordinator)
    assert inspection.judgments.get(question="Investigating crime").grade == "good"
    apply_import(regraded, force=force, by=coordinator, decisions={change.key: "use"})
    judgment = inspection.judgments.get(question="Investigating crime")
    assert judgment.grade == "requires_improvement"
    assert Event.objects.filter(verb="judgment.correct", object_id=str(judgment.pk)).exists()


def test_a_partial_page_first_then_the_full_report_adds_the_rest(force, coordinator):
    inspection, _ = _import(REPORT_HTML, force, coordinator)
    action = ActionFactory(finding=inspection.findings.first())
    plan = plan_import(_parse(REPORT_TXT), force=force)
    fills = [c for c in plan.changes if c.fills_gap]
    assert len(fills) == 7 and all(c.field_label == "New judgment" for c in fills)
    assert [c.field_label for c in plan.changes if not c.fills_gap] == [
        "Month of publication",
        "Last inspected",
    ]
    _import(REPORT_TXT, force, coordinator)
    inspection.refresh_from_db()
    assert inspection.judgments.count() == 13
    assert inspection.findings.count() == 10
    assert inspection.published == dt.date(2020, 1, 1)  # the held month, until accepted
    assert action.finding.actions.get() == action


def test_a_new_judgment_can_be_left_out(force, coordinator):
    _import(REPORT_HTML, force, coordinator)
    plan = plan_import(_parse(REPORT_TXT), force=force)
    efficiency = next(c for c in plan.changes if c.subject == "Efficiency (overall grade)")
    inspection, _ = _import(REPORT_TXT, force, coordinator, decisions={efficiency.key: "keep"})
    assert inspection.judgments.count() == 12


def test_a_lead_in_from_the_report_is_kept_apart_from_the_text(force, coordinator):
    inspection, _ = _import(REPORT_TXT, force, coordinator)
    finding = inspection.findings.filter(kind="other").first()
    assert finding.lead_in.startswith("Additionally, there are three areas")
    assert not finding.text.startswith("Additionally")


def test_a_withdrawn_finding_is_matched_not_added_again(force, coordinator):
    inspection, _ = _import(REPORT_TXT, force, coordinator)
    finding = inspection.findings.get(reference="AFI 3")
    finding.withdraw(by=coordinator, reason="Superseded")
    _inspection, plan = _import(REPORT_TXT, force, coordinator)
    assert plan.counts["new"] == 0
    assert Finding.objects.filter(text=finding.text).count() == 1


def test_a_confirmation_made_on_an_outdated_preview_writes_nothing(force, coordinator):
    _import(REPORT_TXT, force, coordinator)
    seen = plan_import(_parse(REPORT_HTML), force=force).fingerprint
    inspection = Inspection.objects.get()
    inspection.correct_from_import(by=coordinator, changes={"published": dt.date(2020, 3, 1)})
    with pytest.raises(PlanOutdated):
        _import(REPORT_HTML, force, coordinator, decisions={"published": "use"}, expected=seen)
    inspection.refresh_from_db()
    assert inspection.published == dt.date(2020, 3, 1)
    assert InspectionSource.objects.count() == 1


# --- the preview page --------------------------------------------------------------------


def _upload(client, force, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})
    return client.get(reverse("inspections:preview"))


def _confirm(client, preview, **extra):
    parsed = preview.context["parsed"]
    data = {
        "confirm": "1",
        "fingerprint": preview.context["plan"].fingerprint,
        "programme": parsed["programme"],
        "published": parsed["published"] or "",
        **{f"include-{i}": "1" for i in range(len(parsed["findings"]))},
        **extra,
    }
    return client.post(reverse("inspections:preview"), data)


def test_the_preview_asks_for_each_difference_and_keeps_choices(client, coordinator, force):
    client.force_login(coordinator)
    _confirm(client, _upload(client, force, REPORT_TXT))
    preview = _upload(client, force, REPORT_HTML)
    assert "Differences from what is held (2)" in preview.text
    assert "Held: <strong>February 2020</strong>" in preview.text
    page = _confirm(client, preview, **{"change-published": "keep"})
    assert page.status_code == 200
    assert page.text.count("Choose whether to keep the held last inspected") == 2  # summary, field
    assert 'value="keep" checked' in page.text
    inspection = Inspection.objects.get()
    assert inspection.sources.count() == 1  # nothing written
    response = _confirm(
        client,
        preview,
        **{"change-published": "keep", "change-judgment-1-last_inspected": "use"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.published == dt.date(2020, 2, 1)
    assert inspection.judgments.get(question=PREVENTING).last_inspected == "2016/17"
    assert inspection.sources.count() == 2


def test_a_stale_preview_is_shown_again_with_what_changed(client, coordinator, force):
    client.force_login(coordinator)
    _confirm(client, _upload(client, force, REPORT_TXT))
    preview = _upload(client, force, REPORT_HTML)
    page = _confirm(
        client,
        preview,
        fingerprint="stale",
        **{"change-published": "use", "change-judgment-1-last_inspected": "use"},
    )
    assert page.status_code == 200
    assert "The differences below changed since the page was shown" in page.text
    assert Inspection.objects.get().published == dt.date(2020, 2, 1)


def test_the_command_lists_differences_and_keeps_held_values_unless_told(force, coordinator):
    import io

    from django.core.management import call_command

    _import(REPORT_TXT, force, coordinator)
    out = io.StringIO()
    call_command("import_report", str(REPORT_HTML), stdout=out)
    assert "month of publication: held 'February 2020', document 'January 2020' (kept as held)" in (
        out.getvalue()
    )
    assert Inspection.objects.get().published == dt.date(2020, 2, 1)
    call_command("import_report", str(REPORT_HTML), "--accept-changes", stdout=io.StringIO())
    assert Inspection.objects.get().published == dt.date(2020, 1, 1)


def test_a_wrong_month_keeps_the_choices_already_made(client, coordinator, force):
    client.force_login(coordinator)
    _confirm(client, _upload(client, force, REPORT_TXT))
    preview = _upload(client, force, REPORT_HTML)
    page = _confirm(
        client,
        preview,
        published="2020-13",
        **{"change-judgment-1-last_inspected": "keep"},
    )
    assert "Enter the month of publication as YYYY-MM" in page.text
    kept = 'id="change-judgment-1-last_inspected-keep" name="change-judgment-1-last_inspected"'
    assert f'{kept} type="radio" value="keep" checked' in page.text
