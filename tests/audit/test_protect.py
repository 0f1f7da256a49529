"""People and forces named in the audit trail are kept: the back office says why, cleanly."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from forces.models import Force
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_deleting_a_user_in_the_trail_is_refused_with_the_reason(admin_client, force):
    user = UserFactory(username="leaver")
    EventFactory(force=force, actor=user)
    url = reverse("admin:auth_user_delete", args=[user.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Cannot delete user" in page.text
    assert "<li>event</li>" in page.text  # the reason: it is named in the audit trail
    admin_client.post(url, {"post": "yes"})
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_deleting_a_force_in_the_trail_is_refused_with_the_reason(admin_client, force):
    EventFactory(force=force)
    url = reverse("admin:forces_force_delete", args=[force.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Cannot delete force" in page.text
    admin_client.post(url, {"post": "yes"})
    assert Force.objects.filter(pk=force.pk).exists()
