"""Back office: each force's reminder rules can be changed, and the change is audited."""

import pytest
from django.urls import reverse

from audit.models import Event
from notifications.models import Notification, ReminderRules
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def _form(force, **changes):
    data = {
        "force": force.pk,
        "due_reminder_days": "30,7,1,0",
        "overdue_repeat_days": 7,
        "stale_after_days": 14,
        "update_request_day": 1,
        "escalate_overdue_after_days": 14,
        "escalate_stale_after_days": 28,
        "meeting_digest_days": 3,
    }
    return {**data, **changes}


def test_a_force_gets_its_own_rules_and_the_change_is_audited(client, admin_user, force):
    client.force_login(admin_user)
    url = reverse("admin:notifications_reminderrules_add")
    response = client.post(url, _form(force, due_reminder_days="14,2"))
    assert response.status_code == 302
    rules = ReminderRules.objects.get(force=force)
    assert rules.due_days == [14, 2]
    event = Event.objects.get(verb="reminderrules.create")
    assert event.force == force
    assert event.changes["due_reminder_days"] == [None, "14,2"]


def test_rules_that_make_no_sense_are_refused(client, admin_user, force):
    client.force_login(admin_user)
    url = reverse("admin:notifications_reminderrules_add")
    response = client.post(url, _form(force, due_reminder_days="thirty", stale_after_days=30))
    assert response.status_code == 200
    assert "Escalate later than the stale notice" in response.text
    assert not ReminderRules.objects.exists()


def test_the_notification_record_cannot_be_changed_in_the_back_office(
    client, admin_user, owner, action
):
    notification = Notification.objects.create(
        recipient=owner,
        rule="due_soon",
        action=action,
        channel="email",
        for_date=action.due_date,
        subject="Due",
        body="Due",
        dedupe_key="x",
    )
    client.force_login(admin_user)
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert client.post(url, {"subject": "Changed"}).status_code == 403
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
