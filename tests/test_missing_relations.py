"""Pages never assume a related object exists: an action with no owner, a finding with no
board, a decision or request whose person is gone from the record."""

import pytest
from django.urls import reverse

from governance.models import Decision, ExtensionRequest
from tests.api.conftest import set_status
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    ExtensionRequestFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


def test_every_page_holds_an_unowned_action_and_unnamed_people(
    client, coordinator, board_member, auditor, finding, board
):
    finding.board = board
    finding.save()
    action = set_status(ActionFactory(finding=finding, owner=None, title="Nobody's"), "submitted")
    meeting = MeetingFactory(board=board)
    DecisionFactory(action=action, decided_by=None, meeting=meeting)
    extension = ExtensionRequestFactory(action=ActionFactory(finding=finding), requested_by=None)
    assert Decision.objects.get().decided_by is None
    assert ExtensionRequest.objects.get().requested_by is None
    pages = {
        board_member: [
            reverse("governance:review"),
            reverse("governance:decide", args=[action.pk]),
            reverse("governance:meeting", args=[meeting.pk]),
            reverse("governance:extension_decide", args=[extension.pk]),
        ],
        coordinator: [
            reverse("actions:list") + "?unowned=true",
            reverse("actions:detail", args=[action.pk]),
            reverse("actions:finding", args=[finding.pk]),
            reverse("actions:inspection", args=[finding.inspection.pk]),
            reverse("governance:dashboard"),
        ],
        auditor: [
            reverse("exports:report", args=[finding.inspection.pk]),
            reverse("exports:report_pdf", args=[finding.inspection.pk]),
            reverse("exports:export", args=["actions", "csv"]),
        ],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, url
    client.force_login(board_member)
    assert "Nobody" in client.get(reverse("governance:review")).text
