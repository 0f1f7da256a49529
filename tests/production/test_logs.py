"""One JSON log line per request and per background job, with the request id; no personal data."""

import json
import logging

import pytest
from django.urls import reverse

from audit.models import Event
from peeltrack.logs import ContextFilter, JsonFormatter

pytestmark = pytest.mark.django_db


def _lines(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger]


def _as_json(record: logging.LogRecord) -> dict:
    ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_each_request_writes_one_line_with_who_what_and_how_long(client, owner, action, caplog):
    client.force_login(owner)
    with caplog.at_level(logging.INFO, logger="peeltrack.request"):
        response = client.get(reverse("actions:detail", args=[action.pk]) + "?q=Smith")
    (record,) = _lines(caplog, "peeltrack.request")
    line = _as_json(record)
    assert set(line) == {
        "time", "level", "logger", "message", "request_id", "user_id", "method", "path",
        "status", "duration_ms",
    }  # fmt: skip
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == owner.pk
    assert line["path"] == f"/actions/{action.pk}/"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    text = JsonFormatter().format(record)
    for personal in ("Smith", owner.username, owner.email):
        assert personal not in text


def test_an_anonymous_request_has_no_user_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="peeltrack.request"):
        client.get(reverse("account_login"))
    (record,) = _lines(caplog, "peeltrack.request")
    assert record.user_id is None
    assert record.status == 200


def test_the_proxys_request_id_is_kept_and_returned(client):
    response = client.get(reverse("account_login"), HTTP_X_REQUEST_ID="edge-7f3a.19")
    assert response["X-Request-ID"] == "edge-7f3a.19"


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    forged = 'x"}\n{"level": "CRITICAL'
    response = client.get(reverse("account_login"), HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_audit_events_carry_the_request_id(client, owner, action):
    client.force_login(owner)
    response = client.post(
        reverse("actions:update", args=[action.pk]),
        {"note": "Vetting backlog cleared", "version": action.version},
        HTTP_X_REQUEST_ID="req-42",
    )
    assert response.status_code == 302
    event = Event.objects.filter(verb="action.update").latest("pk")
    assert event.data["request_id"] == "req-42"


def test_events_outside_a_request_have_no_request_id(action, owner):
    event = Event.record(owner, "action.test", action, summary="From a shell")
    assert "request_id" not in event.data


def test_a_streamed_download_is_logged_when_it_ends(client, auditor, action, caplog):
    from tests.factories import EvidenceFactory

    evidence = EvidenceFactory(action=action)
    client.force_login(auditor)
    with caplog.at_level(logging.INFO, logger="peeltrack.request"):
        response = client.get(reverse("actions:evidence_download", args=[evidence.pk]))
        assert _lines(caplog, "peeltrack.request") == []
        b"".join(response.streaming_content)
        response.close()
    (record,) = _lines(caplog, "peeltrack.request")
    assert record.status == 200


def test_each_background_job_writes_one_line(settings, caplog, action):
    from notifications.models import Notification
    from notifications.tasks import deliver_notification

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    notification = Notification.objects.create(
        recipient=action.owner,
        force_id=action.force_id,
        rule="due_soon",
        action=action,
        channel="email",
        for_date=action.due_date,
        subject="Due soon",
        body="Your action is due.",
        dedupe_key="test-job-line",
    )
    with caplog.at_level(logging.INFO, logger="peeltrack.task"):
        result = deliver_notification.enqueue(notification.pk)
    (record,) = _lines(caplog, "peeltrack.task")
    line = _as_json(record)
    assert line["request_id"] == f"task-{result.id}"
    assert line["path"] == "notifications.tasks.deliver_notification"
    assert line["status"] == "SUCCESSFUL"
    assert line["user_id"] is None
    assert line["duration_ms"] >= 0


def test_django_error_records_never_carry_the_request(rf):
    request = rf.get("/actions/?owner=Smith")
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "Not Found", (), None)
    record.request = request
    record.status_code = 404
    line = _as_json(record)
    assert "request" not in line
    assert "Smith" not in json.dumps(line)
