"""The permission matrix: every endpoint, for every member of the cast, in their own force
and in another. Another force's records do not exist for you (404); your own force's
records you may read, and change only as the rules say (403 otherwise)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import Event
from tests.api.conftest import set_status
from tests.factories import (
    DecisionFactory,
    EventFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    JudgmentFactory,
    MeetingFactory,
    UpdateFactory,
)

pytestmark = pytest.mark.django_db

CAST = ["owner", "teammate", "coordinator", "board_member", "auditor", "outsider"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(overseen_action, evidence, auditor, coordinator, teammate, outsider):
    """One of everything, in the cast's force, with the action overseen by a board."""
    action = overseen_action
    finding = action.finding
    meeting = MeetingFactory(board=finding.board)
    return {
        "forces": finding.inspection.force,
        "inspections": finding.inspection,
        "judgments": JudgmentFactory(inspection=finding.inspection),
        "findings": finding,
        "boards": finding.board,
        "meetings": meeting,
        "people": action.owner,
        "actions": action,
        "updates": UpdateFactory(action=action),
        "evidence": evidence,
        "decisions": DecisionFactory(action=action, board=finding.board, meeting=meeting),
        "extension-requests": ExtensionRequestFactory(action=action),
        "events": EventFactory(action=action, force=finding.inspection.force),
    }


READABLE = [
    "forces",
    "inspections",
    "judgments",
    "findings",
    "boards",
    "meetings",
    "people",
    "actions",
    "updates",
    "evidence",
    "decisions",
    "extension-requests",
    "events",
]


@pytest.mark.parametrize("resource", READABLE)
def test_anonymous_callers_are_asked_to_authenticate(api, world, resource):
    for url in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{world[resource].pk}/"):
        response = api().get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("resource", READABLE)
def test_everyone_reads_their_own_force_and_nothing_of_another(api, world, request, resource, role):
    user = request.getfixturevalue(role)
    obj = world[resource]
    listing = api(user).get(f"/api/v1/{resource}/", {"page_size": 500})
    detail = api(user).get(f"/api/v1/{resource}/{obj.pk}/")
    ids = [row["id"] for row in listing.json()["results"]]
    if role == "outsider" and resource != "forces" and resource != "people":
        assert obj.pk not in ids
        assert detail.status_code == 404
        assert detail.json() == {"status": 404, "code": "not_found", "detail": "Not found."}
    elif role == "outsider":
        assert obj.pk not in ids  # their own force and colleagues only
        assert detail.status_code == 404
    else:
        assert obj.pk in ids
        assert detail.status_code == 200


def test_the_whole_audit_trail_is_for_coordinators_and_auditors(api, world, owner, auditor):
    board_event = Event.record(
        world["boards"].members.first(), "meeting.create", world["boards"], summary="Meeting"
    )
    assert board_event.pk not in _ids(api(owner).get("/api/v1/events/"))
    assert board_event.pk in _ids(api(auditor).get("/api/v1/events/"))
    # ...while an action's history is open to whoever sees the action, as on its page.
    assert world["events"].pk in _ids(api(owner).get("/api/v1/events/"))


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_official_sensitive_evidence_is_need_to_know(api, action, teammate, auditor, owner):
    secret = EvidenceFactory(action=action, marking="OFFICIAL-SENSITIVE", uploaded_by=owner)
    for user, allowed in [(teammate, False), (auditor, True), (owner, True)]:
        listed = secret.pk in _ids(api(user).get("/api/v1/evidence/"))
        detail = api(user).get(f"/api/v1/evidence/{secret.pk}/")
        download = api(user).get(f"/api/v1/evidence/{secret.pk}/download/")
        assert listed is allowed
        assert (detail.status_code, download.status_code) == ((200, 200) if allowed else (404, 404))


def test_downloads_are_audited_like_the_page(api, evidence, auditor):
    response = api(auditor).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == evidence.file.open("rb").read()
    assert response["Content-Disposition"] == 'attachment; filename="vetting-policy.pdf"'
    assert Event.objects.filter(verb="evidence.download", actor=auditor).count() == 1


def test_a_link_has_nothing_to_download(api, action, owner):
    link = EvidenceFactory(action=action, kind="link", file="", url="https://example.org/x")
    assert api(owner).get(f"/api/v1/evidence/{link.pk}/download/").status_code == 404


# --- changes -----------------------------------------------------------------


def _future(days=90):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _setup(world, status):
    return set_status(world["actions"], status)


# endpoint -> (status the action starts in, body, {role: expected status}); roles left out
# are refused with 403, and the outsider is always answered 404.
MOVES = {
    "start": ("not_started", {"note": "Kick-off held"}, {"owner": 200, "coordinator": 200}),
    "hold": ("in_progress", {"note": "Waiting for budget"}, {"owner": 200, "coordinator": 200}),
    "resume": ("on_hold", {"note": "Budget agreed"}, {"owner": 200, "coordinator": 200}),
    "submit": (
        "in_progress",
        {"note": "Done", "closing_summary": "Backlog cleared; see the report."},
        {"owner": 200, "coordinator": 200},
    ),
    # The action's finding is overseen by a board: its members decide, nobody else.
    "sign-off": ("submitted", {"note": "The evidence shows it."}, {"board_member": 200}),
    "return": ("submitted", {"note": "Show the audit too."}, {"board_member": 200}),
    "reopen": ("closed", {"note": "The inspectorate disagreed."}, {"coordinator": 200}),
    "updates": (
        "in_progress",
        {"note": "Two officers recruited"},
        {"owner": 201, "coordinator": 201},
    ),
    "extension-requests": (
        "in_progress",
        {"new_due_date": _future(200), "reason": "Supplier delay"},
        {"owner": 201, "coordinator": 201},
    ),
}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("endpoint", MOVES)
def test_who_may_move_an_action(api, world, request, endpoint, role):
    status, body, allowed = MOVES[endpoint]
    action = _setup(world, status)
    if endpoint == "extension-requests":
        world["extension-requests"].delete()  # one waiting request at a time
    user = request.getfixturevalue(role)
    response = api(user).post(f"/api/v1/actions/{action.pk}/{endpoint}/", body, format="json")
    expected = 404 if role == "outsider" else allowed.get(role, 403)
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("role", CAST)
def test_who_may_add_evidence(api, world, request, role):
    user = request.getfixturevalue(role)
    upload = SimpleUploadedFile("audit.pdf", PDF, content_type="application/pdf")
    response = api(user).post(
        f"/api/v1/actions/{world['actions'].pk}/evidence/",
        {"file": upload, "description": "Audit", "effective_date": "2020-06-01"},
        format="multipart",
    )
    expected = {"owner": 201, "coordinator": 201, "outsider": 404}.get(role, 403)
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("role", CAST)
def test_who_may_edit_an_action(api, world, request, role):
    user = request.getfixturevalue(role)
    action = world["actions"]
    response = api(user).patch(
        f"/api/v1/actions/{action.pk}/", {"team": "Vetting unit", "version": 1}, format="json"
    )
    expected = {"coordinator": 200, "outsider": 404}.get(role, 403)
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("role", CAST)
def test_who_may_raise_an_action(api, world, request, role):
    user = request.getfixturevalue(role)
    body = {"finding": world["findings"].pk, "title": "Audit vetting", "due_date": _future()}
    response = api(user).post("/api/v1/actions/", body, format="json")
    # Another force's finding does not exist for the outsider: the field is invalid.
    expected = {"coordinator": 201, "outsider": 400}.get(role, 403)
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("role", CAST)
def test_who_may_decide_an_extension(api, world, request, role):
    user = request.getfixturevalue(role)
    extension = world["extension-requests"]
    response = api(user).post(
        f"/api/v1/extension-requests/{extension.pk}/decide/",
        {"approve": True, "rationale": "Reasonable"},
        format="json",
    )
    expected = {"board_member": 200, "outsider": 404}.get(role, 403)
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize(
    "endpoint, body",
    [("board", {"board": None}), ("inspectorate-status", {"status": "no_further_action"})],
)
def test_who_may_change_a_findings_oversight(api, world, request, role, endpoint, body):
    user = request.getfixturevalue(role)
    finding = world["findings"]
    response = api(user).post(f"/api/v1/findings/{finding.pk}/{endpoint}/", body, format="json")
    expected = {"coordinator": 200, "outsider": 404}.get(role, 403)
    assert response.status_code == expected, response.json()


def test_refusals_say_why(api, world, auditor):
    action = world["actions"]
    response = api(auditor).post(f"/api/v1/actions/{action.pk}/start/", {"note": "x"})
    assert response.json() == {
        "status": 403,
        "code": "permission_denied",
        "detail": "You may not “start work” this action.",
    }


@pytest.mark.parametrize("method", ["put", "delete"])
def test_actions_cannot_be_replaced_or_deleted(api, world, coordinator, method):
    response = getattr(api(coordinator), method)(f"/api/v1/actions/{world['actions'].pk}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_audit_events_are_read_only(api, world, auditor):
    url = f"/api/v1/events/{world['events'].pk}/"
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api(auditor), method)(url).status_code == 405


@pytest.mark.parametrize("role", CAST)
def test_the_evidence_list_applies_the_need_to_know_rule_exactly(api, action, request, role):
    """EvidenceQuerySet.readable_by is rules.can_see_evidence as a query: same answers."""
    from actions import rules
    from actions.models import Evidence

    user = request.getfixturevalue(role)
    teammate = request.getfixturevalue("teammate")
    for i, (marking, uploader) in enumerate(
        [
            ("OFFICIAL", action.owner),
            ("OFFICIAL-SENSITIVE", action.owner),
            ("OFFICIAL-SENSITIVE", teammate),
        ]
    ):
        EvidenceFactory(
            action=action, marking=marking, uploaded_by=uploader, content=f"%PDF {i}".encode()
        )
    expected = {e.pk for e in Evidence.objects.all() if rules.can_see_evidence(user, e, action)}
    assert set(Evidence.objects.readable_by(user).values_list("pk", flat=True)) == expected
    assert set(_ids(api(user).get("/api/v1/evidence/"))) == expected
