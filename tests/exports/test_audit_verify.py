"""Auditors check the audit trail's hash chains, and take its daily anchors away."""

import pytest
from django.urls import reverse

from audit.models import Event
from tests.audit.test_chain import raw, triggers_off
from tests.exports.helpers import csv_rows
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_an_auditor_sees_their_forces_chain_intact(client, auditor, force, other_force):
    for _ in range(3):
        EventFactory(force=force)
    EventFactory(force=other_force)
    client.force_login(auditor)
    page = client.get(reverse("exports:audit_verify"))
    assert page.status_code == 200
    assert "Every chain checked is intact" in page.text
    assert force.name in page.text
    assert other_force.name not in page.text


def test_the_page_names_the_first_broken_link(client, auditor, force):
    events = [EventFactory(force=force) for _ in range(3)]
    with triggers_off():
        raw("UPDATE audit_event SET summary = 'Nothing' WHERE id = %s", [events[1].pk])
    client.force_login(auditor)
    page = client.get(reverse("exports:audit_verify"))
    assert "1 audit chain broken" in page.text
    assert f"Event {events[1].pk} (number {events[1].seq} in the chain)" in page.text
    assert "its content does not match its hash" in page.text


def test_the_audit_trail_page_links_to_the_check(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("exports:audit"))
    assert reverse("exports:audit_verify") in page.text
    assert reverse("exports:audit_anchors") in page.text


def test_owners_may_not_check_the_trail(client, owner):
    client.force_login(owner)
    assert client.get(reverse("exports:audit_verify")).status_code == 403
    assert client.get(reverse("exports:audit_anchors")).status_code == 403


def test_anchors_are_each_days_last_hash_and_their_download_is_recorded(
    client, auditor, force, other_force
):
    events = [EventFactory(force=force) for _ in range(2)]
    EventFactory(force=other_force)
    client.force_login(auditor)
    rows = csv_rows(client.get(reverse("exports:audit_anchors")))
    mine = [row for row in rows if row["Force"] == force.slug]
    assert rows == mine  # another force's chain is not shown
    # The day's last event before the download (signing in is recorded too).
    last = Event.objects.filter(force=force).exclude(verb="export.anchors").order_by("seq").last()
    assert last.seq >= events[-1].seq
    assert mine[-1]["Last seq"] == str(last.seq)
    assert mine[-1]["Last hash"] == last.hash
    assert mine[-1]["Day (UTC)"] == last.created_at.date().isoformat()
    assert Event.objects.filter(verb="export.anchors", actor=auditor, force=force).exists()


def test_kept_anchors_verify_later_with_the_command(client, auditor, force, tmp_path):
    from django.core.management import call_command

    EventFactory(force=force)
    client.force_login(auditor)
    response = client.get(reverse("exports:audit_anchors"))
    kept = tmp_path / "anchors.csv"
    kept.write_bytes(response.content)
    EventFactory(force=force)  # the trail moves on; the anchor still holds
    call_command("verify_audit", "--no-record", "--anchors", str(kept), "--force", force.slug)


def test_the_audit_export_carries_each_events_link(client, auditor, force):
    event = EventFactory(force=force)
    client.force_login(auditor)
    rows = csv_rows(client.get(reverse("exports:export", args=["events", "csv"])))
    row = next(r for r in rows if r["Event ID"] == str(event.pk))
    assert (row["Seq"], row["Hash"]) == (str(event.seq), event.hash)
