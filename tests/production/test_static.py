"""The static build as production serves it: hashed names from a manifest (DEBUG off)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once for the module, as `make static` runs it."""
    from django.conf import settings
    from django.test import override_settings

    if not (ROOT / "static" / "govuk" / "govuk-frontend.min.css").exists():
        if os.environ.get("CI"):
            pytest.fail("static/govuk is missing: .ci/run builds it (make frontend).")
        pytest.skip("static/govuk is not built here: `make frontend` builds it.")
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    return root


@pytest.fixture
def built(settings, static_root):
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return static_root


def test_collectstatic_builds_every_file_the_css_names(built):
    # The GOV.UK CSS names its source map and its fonts and images; all were found.
    assert (built / "staticfiles.json").exists()
    assert list(built.glob("govuk/govuk-frontend.min.css.*.map"))
    assert list(built.glob("govuk/govuk-frontend.min.*.css.gz"))


@pytest.mark.django_db
def test_pages_link_the_hashed_files_that_were_built(built, client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    for name in ("govuk/govuk-frontend.min", "css/app"):
        linked = [part for part in page.text.split('"') if part.startswith(f"/static/{name}.")]
        assert linked, name
        assert (built / linked[0].removeprefix("/static/")).exists()


@pytest.mark.django_db
def test_error_pages_link_the_hashed_files_too(built, client):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "/static/govuk/govuk-frontend.min." in page.text
    assert "/static/govuk/govuk-frontend.min.css" not in page.text
