"""The OpenAPI contract is generated from the code, valid, and free of guesswork."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_with_no_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn: any field the generator had to guess fails the build.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/actions/{id}/sign-off/" in schema["paths"]


def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"PEELtrack API" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in docs.text  # no CDN: works offline


@pytest.fixture(scope="module")
def served():
    """The schema as /api/schema/ serves it (generated once for these tests)."""
    from django.test import Client

    return yaml.safe_load(Client().get("/api/schema/").content)


def test_every_operation_documents_its_errors(served):
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert "400" in codes, (method, path)


def test_versioned_changes_document_their_conflicts(served):
    paths = served["paths"]
    for path, method in [
        ("/api/v1/actions/{id}/", "patch"),
        ("/api/v1/actions/{id}/submit/", "post"),
        ("/api/v1/actions/{id}/updates/", "post"),
    ]:
        operation = paths[path][method]
        assert {"409", "412"} <= set(operation["responses"])
        assert any(p["name"] == "If-Match" for p in operation["parameters"])


def test_the_action_list_documents_the_shared_filters(served):
    parameters = {p["name"] for p in served["paths"]["/api/v1/actions/"]["get"]["parameters"]}
    assert {"q", "status", "rag", "overdue", "stale", "owner", "inspection", "page"} <= parameters
