"""Evidence packs are signed with the site's Ed25519 key; verify_pack checks the signature."""

import csv
import hashlib
import io
import shutil
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from exports import signing
from tests.exports.helpers import body
from tests.factories import EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(client, auditor, inspection, action, tmp_path):
    EvidenceFactory(action=action, content=b"%PDF-1.4 policy", original_name="policy.pdf")
    client.force_login(auditor)
    path = tmp_path / "pack.zip"
    path.write_bytes(body(client.get(reverse("exports:inspection_pack", args=[inspection.pk]))))
    return path


@pytest.fixture
def site_key(tmp_path):
    path = tmp_path / "site.pem"
    path.write_bytes(signing.public_pem())
    return path


def verify_pack(*args) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        call_command("verify_pack", *map(str, args), stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def rewrite(source, target, change):
    """A copy of the pack with change(name, data) -> data applied to each member."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as out:
        for info in original.infolist():
            out.writestr(info.filename, change(info.filename, original.read(info.filename)))


def forge(source, target, *, key: Ed25519PrivateKey | None = None):
    """What a careful forger does: swap an evidence file, then fix manifest.csv and
    SHA256SUMS to match, and (with key) sign the new sums with their own key."""
    with zipfile.ZipFile(source) as original:
        members = {name: original.read(name) for name in original.namelist()}
    text = members["manifest.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    path = rows[1][0]
    members[path] = b"%PDF-1.4 a different policy"
    forged = hashlib.sha256(members[path]).hexdigest()
    rows[1][15] = rows[1][16] = forged
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    members["manifest.csv"] = ("\ufeff" + buffer.getvalue()).encode()
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in members.items()
        if name not in ("SHA256SUMS", "SHA256SUMS.sig", "signing-key.pem")
    ).encode()
    members["SHA256SUMS"] = sums
    if key is not None:
        members["SHA256SUMS.sig"] = key.sign(sums)
        members["signing-key.pem"] = key.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
    with zipfile.ZipFile(target, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)


def test_a_pack_carries_its_signature_and_the_sites_public_key(pack):
    archive = zipfile.ZipFile(pack)
    sums = archive.read("SHA256SUMS")
    key = signing.load_public_key(archive.read("signing-key.pem"))
    assert signing.verifies(key, archive.read("SHA256SUMS.sig"), sums)
    assert archive.read("signing-key.pem") == signing.public_pem()
    assert b"  manifest.csv\n" in sums  # the signature covers the manifest
    assert signing.fingerprint() in archive.read("README.txt").decode()
    assert "openssl pkeyutl -verify" in archive.read("index.html").decode()


def test_a_genuine_pack_passes_with_the_sites_key(pack, site_key):
    output, error = verify_pack(pack, "--public-key", site_key)
    assert error is None
    assert f"Signed by the key with fingerprint {signing.fingerprint()}" in output
    assert "WARNING" not in output


def test_without_the_sites_key_the_pack_passes_with_a_warning(pack):
    output, error = verify_pack(pack)
    assert error is None
    assert "WARNING  The signature was checked with the public key inside the pack" in output


def test_a_pack_with_files_manifest_and_sums_all_forged_fails(pack, tmp_path):
    forged = tmp_path / "forged.zip"
    forge(pack, forged)
    output, error = verify_pack(forged)
    assert error is not None
    assert "BAD SIGNATURE" in output
    assert "DIFFERS" not in output  # everything else was made to agree


def test_a_pack_re_signed_by_a_forger_fails_against_the_sites_key(pack, site_key, tmp_path):
    forged = tmp_path / "forged.zip"
    forge(pack, forged, key=Ed25519PrivateKey.generate())
    output, error = verify_pack(forged)
    assert error is None and "WARNING" in output  # self-consistent, proves nothing
    output, error = verify_pack(forged, "--public-key", site_key)
    assert error is not None
    assert "BAD SIGNATURE  SHA256SUMS is not signed by the key with fingerprint " in output


def test_a_pack_whose_signature_was_removed_fails(pack, tmp_path):
    stripped = tmp_path / "stripped.zip"
    with zipfile.ZipFile(pack) as original, zipfile.ZipFile(stripped, "w") as out:
        for info in original.infolist():
            if info.filename != "SHA256SUMS.sig":
                out.writestr(info.filename, original.read(info.filename))
    output, error = verify_pack(stripped)
    assert error is not None and "NOT SIGNED" in output


def test_a_changed_generated_file_fails_against_the_signed_sums(pack, site_key, tmp_path):
    changed = tmp_path / "changed.zip"
    rewrite(pack, changed, lambda name, data: data + b"\n" if name == "index.html" else data)
    output, error = verify_pack(changed, "--public-key", site_key)
    assert error is not None and "DIFFERS  index.html: does not match SHA256SUMS" in output


def test_verify_pack_explains_a_key_file_that_is_not_a_key(pack, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("hello")
    with pytest.raises(CommandError, match="is not an Ed25519 public key"):
        call_command("verify_pack", str(pack), "--public-key", str(bad))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_openssl_alone_verifies_a_pack_as_the_readme_says(pack, site_key, tmp_path):
    zipfile.ZipFile(pack).extractall(tmp_path / "pack")
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(site_key), "-rawin",
        "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path / "pack", capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    assert b"Signature Verified Successfully" in result.stdout


# --- the key ------------------------------------------------------------------------


def test_a_configured_key_is_read_as_pem_der_or_seed(settings):
    key = Ed25519PrivateKey.generate()
    import base64

    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    der = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    expected = signing.fingerprint(key.public_key())
    for value in (pem, pem.replace("\n", "\\n"), base64.b64encode(der).decode(),
                  base64.b64encode(seed).decode()):  # fmt: skip
        settings.PACK_SIGNING_KEY = value
        assert signing.fingerprint() == expected


def test_a_key_that_is_not_ed25519_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="PACK_SIGNING_KEY"):
        signing.parse_private_key("bm90IGEga2V5")


def test_auditors_may_download_the_public_key(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("exports:signing_key"))
    assert page.status_code == 200
    assert signing.fingerprint() in page.text
    assert body(client.get(reverse("exports:signing_key_pem"))) == signing.public_pem()


def test_owners_outsiders_and_people_of_no_force_may_not(client, owner, outsider, db):
    for user in (owner, outsider, UserFactory(username="nobody")):
        client.force_login(user)
        assert client.get(reverse("exports:signing_key")).status_code == 403
        assert client.get(reverse("exports:signing_key_pem")).status_code == 403


def test_the_pack_and_the_audit_trail_link_to_the_signing_key_for_auditors(
    client, auditor, coordinator, inspection
):
    client.force_login(auditor)
    for url in (reverse("actions:inspection", args=[inspection.pk]), reverse("exports:audit")):
        assert reverse("exports:signing_key") in client.get(url).text
    client.force_login(coordinator)
    assert reverse("exports:signing_key") not in client.get(reverse("exports:audit")).text
