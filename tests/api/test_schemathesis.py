"""Property-based checks of the whole API against its OpenAPI schema (schemathesis).

For every operation, schemathesis generates requests from the schema (valid ones and
deliberately invalid ones) and checks that the API never answers with a server error,
and that every status code, content type, header and body is the one the schema
documents. Bounded to a few examples per operation so the suite stays quick; runs
in-process (WSGI), so it needs no network.
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import token_create
from audit.models import Event
from peeltrack.wsgi import application
from tests.api.conftest import set_status
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    JudgmentFactory,
    MeetingFactory,
    UpdateFactory,
)

# The coverage phase adds ~80 systematic edge cases per operation (about a minute in
# all); the suite runs the quick fuzzing by default, and everything with
# PEELTRACK_SCHEMATHESIS=full.
FULL = os.environ.get("PEELTRACK_SCHEMATHESIS") == "full"
config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": FULL}}})
raw = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)
schema = schemathesis.openapi.from_dict(raw, config=config)
schema.app = application  # call the WSGI app in-process
schema.location = "/api/schema/"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(db, coordinator, board_member, overseen_action, evidence):
    """A coordinator's token, and something of each kind for requests to find."""
    action = overseen_action
    finding = action.finding
    meeting = MeetingFactory(board=finding.board)
    finding.board.members.add(coordinator)
    token, secret = token_create(user=coordinator, name="schemathesis")
    actions = [
        action,
        set_status(ActionFactory(finding=finding, owner=coordinator), "in_progress"),
        set_status(ActionFactory(finding=finding), "submitted"),
        set_status(ActionFactory(finding=finding), "closed"),
    ]
    objects = {
        "forces": [finding.inspection.force],
        "inspections": [finding.inspection],
        "judgments": [JudgmentFactory(inspection=finding.inspection)],
        "findings": [finding],
        "boards": [finding.board],
        "meetings": [meeting],
        "people": [coordinator, board_member],
        "actions": actions,
        "updates": [UpdateFactory(action=action)],
        "evidence": [
            evidence,
            EvidenceFactory(action=action, marking="OFFICIAL-SENSITIVE", content=b"%PDF-1.4 s"),
        ],
        "decisions": [DecisionFactory(action=action, board=finding.board, meeting=meeting)],
        "extension-requests": [ExtensionRequestFactory(action=action)],
        "events": list(Event.objects.all()[:3]),
        "tokens": [token],
    }
    return secret, {name: [o.pk for o in items] for name, items in objects.items()}


@pytest.fixture
def _one_connection():
    # Django's test client keeps the test's database connection open between requests;
    # calling the WSGI app directly would close it around each request (on PostgreSQL
    # that ends the test's transaction; SQLite's in-memory database never closes).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _aim_at_real_objects(case, ids):
    """Random ids almost never exist: point three in four at real objects, so requests
    reach the code behind the 404 (the rest still test the 404)."""
    value = str((case.path_parameters or {}).get("id", ""))
    resource = case.operation.path.split("/")[3]
    if value.isascii() and value.isdigit() and int(value[-6:]) % 4 and ids.get(resource):
        case.path_parameters["id"] = ids[resource][int(value[-6:]) % len(ids[resource])]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, world, _one_connection):
    secret, ids = world
    _aim_at_real_objects(case, ids)
    case.call_and_validate(headers={"Authorization": f"Token {secret}"}, checks=CHECKS)
