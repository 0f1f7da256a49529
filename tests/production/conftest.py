"""Fixtures for running as production does: the Azure blob store (Azurite) and error views."""

import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from django.core.files.storage import default_storage

# Azurite's well-known development account (published by Microsoft; not a secret).
AZURITE_ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
AZURITE_URL = os.environ.get("AZURITE_BLOB_URL", "http://127.0.0.1:10000/devstoreaccount1")
AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    f"AccountKey={AZURITE_ACCOUNT_KEY};BlobEndpoint={AZURITE_URL};"
)


def azurite_running() -> bool:
    address = urlparse(AZURITE_URL)
    try:
        socket.create_connection((address.hostname, address.port), timeout=1).close()
    except OSError:
        return False
    return True


def need_azurite():
    if azurite_running():
        return
    if os.environ.get("CI"):
        pytest.fail("Azurite is not running: .ci/run starts it (scripts/azurite start).")
    pytest.skip(
        "Azurite is not running on 127.0.0.1:10000, so the Azure storage tests are skipped "
        "here: `make azurite` starts it (CI always runs them)."
    )


def azure_store_settings(container: str, connection: str = AZURITE) -> dict:
    return {
        "BACKEND": "peeltrack.storage.AzureStorage",
        "OPTIONS": {"connection_string": connection, "azure_container": container},
    }


@pytest.fixture
def azure_store(settings):
    """The default storage is a fresh private container in Azurite, removed afterwards."""
    need_azurite()
    container = f"test-{uuid.uuid4().hex[:16]}"
    settings.FILE_STORAGE = "azure"
    settings.STORAGES = {**settings.STORAGES, "default": azure_store_settings(container)}
    assert default_storage.create_container()
    yield default_storage
    default_storage.service_client.delete_container(container)


@pytest.fixture
def blobs(azure_store):
    """The container, read with the Azure SDK itself rather than through PEELtrack."""
    return azure_store.service_client.get_container_client(azure_store.azure_container)
