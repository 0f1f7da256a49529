"""API test helpers: a client signed in as one of the cast, and a submitted action."""

import pytest
from rest_framework.test import APIClient

from actions.models import Action
from tests.factories import EvidenceFactory


@pytest.fixture
def api():
    """api(user) -> a client signed in as user (session auth); api() -> anonymous."""

    def client(user=None):
        c = APIClient()
        if user is not None:
            c.force_login(user)
        return c

    return client


def set_status(action, status):
    """Put an action in a status directly, to test the move out of it."""
    Action.objects.filter(pk=action.pk).update(status=status)
    action.refresh_from_db()
    return action


@pytest.fixture
def evidence(action):
    return EvidenceFactory(action=action)
