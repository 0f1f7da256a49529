"""The OpenAPI contract is generated from the code, valid, and free of guesswork."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from accounts.models import token_create

pytestmark = pytest.mark.django_db


def test_the_schema_validates_with_no_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn: any field the generator had to guess fails the build.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/actions/{id}/sign-off/" in schema["paths"]


def test_the_schema_and_docs_are_served_to_signed_in_users(client, owner):
    client.force_login(owner)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"PEELtrack API" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in docs.text  # no CDN: works offline


def test_the_schema_is_not_served_to_anonymous_visitors(client, api):
    for anonymous in (client, api()):
        response = anonymous.get("/api/schema/")
        assert response.status_code == 401
        assert b"PEELtrack API" not in response.content
        assert b"/api/v1/actions/" not in response.content


def test_the_docs_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/api/docs/"


def test_the_schema_is_served_to_a_token(api, owner):
    _token, secret = token_create(user=owner, name="client generator")
    response = api().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200
    assert b"PEELtrack API" in response.content


@pytest.fixture(scope="module")
def served():
    """The schema as /api/schema/ serves it (generated once, in-process, for these tests:
    the served one needs a signed-in user)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return yaml.safe_load(OpenApiYamlRenderer().render(schema))


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


def test_only_file_uploads_document_the_virus_scanner_being_unavailable(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    upload = paths["/api/v1/actions/{id}/evidence/"]["post"]["responses"]
    assert "could not be checked for viruses" in upload["503"]["description"]
    others = [
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "503" in operation.get("responses", {}) and path != "/api/v1/actions/{id}/evidence/"
    ]
    assert others == []
