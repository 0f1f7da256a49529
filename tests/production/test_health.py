"""/healthz and /readyz: unauthenticated, answered before host checks and HTTPS redirects."""

import pytest

from tests.production.conftest import azure_store_settings, need_azurite

pytestmark = pytest.mark.django_db


def test_healthz_says_the_process_is_up_and_nothing_else(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_the_database_and_the_file_store(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_probes_need_no_sign_in_no_known_host_and_no_https(client, settings):
    settings.ALLOWED_HOSTS = ["peeltrack.example.police.uk"]
    settings.SECURE_SSL_REDIRECT = True
    for path in ("/healthz", "/readyz", "/healthz/"):
        response = client.get(path, HTTP_HOST="10.1.2.3:8000")  # a balancer probes by address
        assert response.status_code == 200, path
    # Everything else still gets the host check.
    assert client.get("/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_probes_only_read(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_readyz_fails_when_the_file_store_cannot_be_reached(client, settings):
    closed = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
        "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;"
    )
    settings.STORAGES = {**settings.STORAGES, "default": azure_store_settings("x", closed)}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["storage"]}
    assert response["Retry-After"] == "10"


def test_readyz_fails_when_the_blob_container_is_missing(client, settings):
    need_azurite()
    settings.STORAGES = {**settings.STORAGES, "default": azure_store_settings("never-made")}
    assert client.get("/readyz").json() == {"status": "unavailable", "failing": ["storage"]}


def test_readyz_passes_with_the_blob_store(client, azure_store):
    assert client.get("/readyz").json() == {"status": "ok"}
