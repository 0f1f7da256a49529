"""The back office: every model is there, lists filter, and workflow rules still apply."""

import pytest
from django.contrib import admin
from django.urls import reverse

from actions.models import Action, Status
from audit.models import Event
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    EventFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    MeetingFactory,
    UpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_every_model_has_a_working_changelist(client, superuser):
    action = ActionFactory()
    UpdateFactory(action=action)
    EvidenceFactory(action=action)
    EventFactory(action=action)
    DecisionFactory(action=action)
    ExtensionRequestFactory(action=action)
    MeetingFactory()
    client.force_login(superuser)
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_action_list_filters_overdue(client, superuser, finding):
    import datetime as dt

    ActionFactory(finding=finding, title="Late", due_date=dt.date(2020, 1, 1))
    ActionFactory(finding=finding, title="On time")
    client.force_login(superuser)
    response = client.get(reverse("admin:actions_action_changelist") + "?overdue=yes")
    assert "Late" in response.text
    assert "On time" not in response.text


def test_bulk_status_change_uses_the_workflow(client, superuser, finding):
    ready = ActionFactory(finding=finding, status=Status.SUBMITTED)
    not_ready = ActionFactory(finding=finding)
    client.force_login(superuser)
    client.post(
        reverse("admin:actions_action_changelist"),
        {"action": "bulk_close", "_selected_action": [ready.pk, not_ready.pk]},
    )
    ready.refresh_from_db()
    not_ready.refresh_from_db()
    assert ready.status == Status.CLOSED
    assert not_ready.status == Status.NOT_STARTED  # refused: not submitted
    assert Event.objects.filter(verb="action.close", action_id=ready.pk).exists()


def test_admin_edits_are_audited(client, superuser, action):
    client.force_login(superuser)
    url = reverse("admin:actions_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "title": "Renamed in the back office",
            "owner": action.owner_id,
            "due_date": action.due_date.isoformat(),
            "priority": "high",
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        }
    )
    data.pop("start_date", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Action.objects.get().title == "Renamed in the back office"
    assert Event.objects.get(verb="action.edit").changes["title"][1] == "Renamed in the back office"


def test_audit_events_cannot_be_edited_or_deleted_in_the_admin(client, superuser):
    event = EventFactory()
    client.force_login(superuser)
    delete = reverse("admin:audit_event_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_staff_see_only_their_forces_rows(client, action, outsider):
    outsider.is_staff = True
    outsider.save()
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(Permission.objects.get(codename="view_action"))
    client.force_login(outsider)
    response = client.get(reverse("admin:actions_action_changelist"))
    assert action.title not in response.text
