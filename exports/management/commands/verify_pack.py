"""Check a downloaded evidence pack: its signature, its checksums and its manifest. Offline."""

import csv
import hashlib
import io
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports import signing
from exports.pack_contents import MANIFEST_HEADERS, PUBLIC_KEY, SIGNATURE, SIGNING_FILES, SUMS

PATH, RECORDED, CHECK = MANIFEST_HEADERS[0], MANIFEST_HEADERS[15], MANIFEST_HEADERS[17]
UNPROVEN = (
    "The signature was checked with the public key inside the pack. That shows the pack "
    "has not changed since it was signed, not who signed it: a forger would put their own "
    "key there. Give the site's key (--public-key) to prove it came from PEELtrack."
)


def _hash(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unescape(value: str) -> str:
    # Exports put a quote before text that a spreadsheet would run as a formula.
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def _sums(archive: zipfile.ZipFile, names: set) -> tuple[bytes, dict[str, str]]:
    if SUMS not in names:
        return b"", {}
    data = archive.read(SUMS)
    listed = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            listed[name] = digest
    return data, listed


def _signature(archive, names, sums: bytes, key) -> tuple[list[str], list[str]]:
    """(problems, notes) of the signature of SHA256SUMS."""
    if SIGNATURE not in names:
        return ["NOT SIGNED  the pack has no SHA256SUMS.sig: it cannot show who made it"], []
    notes = []
    if key is None:
        if PUBLIC_KEY not in names:
            return [f"NO KEY  the pack has no {PUBLIC_KEY} and no --public-key was given"], []
        try:
            key = signing.load_public_key(archive.read(PUBLIC_KEY))
        except ValueError as error:
            return [f"BAD KEY  {PUBLIC_KEY} is not an Ed25519 public key: {error}"], []
        notes.append(f"WARNING  {UNPROVEN}")
    if not signing.verifies(key, archive.read(SIGNATURE), sums):
        return [
            "BAD SIGNATURE  SHA256SUMS is not signed by the key with fingerprint "
            f"{signing.fingerprint(key)}: the pack was changed after it was made, or made "
            "by someone else"
        ], notes
    notes.append(f"Signed by the key with fingerprint {signing.fingerprint(key)}.")
    return [], notes


def verify(path: str, public_key=None) -> tuple[int, list[str], list[str]]:
    """(files checked, problems found, notes) for the pack at path, checked with public_key
    (or, failing that, the key in the pack)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise CommandError(f"{path} is not a readable ZIP file: {error}") from error
    problems = []
    with archive:
        names = set(archive.namelist())
        if "manifest.csv" not in names:
            raise CommandError(f"{path} has no manifest.csv: it is not a PEELtrack evidence pack.")
        with archive.open("manifest.csv") as handle:
            rows = list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8-sig")))
        if rows and PATH not in rows[0]:
            raise CommandError("manifest.csv does not have the columns of an evidence pack.")
        sums_bytes, sums = _sums(archive, names)
        if not sums_bytes:
            problems.append(f"MISSING FROM PACK  {SUMS}")
        listed = set()
        checked = 0
        for row in rows:
            name = _unescape(row[PATH])
            if not name:
                continue
            listed.add(name)
            checked += 1
            if name not in names:
                problems.append(f"MISSING FROM PACK  {name}")
                continue
            found = _hash(archive, name)
            if found != row[RECORDED]:
                problems.append(
                    f"DIFFERS  {name}: SHA-256 {found}, recorded at upload {row[RECORDED]}"
                )
            elif sums and sums.get(name) != found:
                problems.append(f"DIFFERS  {name}: does not match SHA256SUMS")
            if not row[CHECK].startswith("OK"):
                problems.append(f"FLAGGED WHEN PACKED  {name}: {_unescape(row[CHECK])}")
        for name, digest in sums.items():
            if name in listed:
                continue  # evidence files were checked above
            checked += 1
            if name not in names:
                problems.append(f"MISSING FROM PACK  {name}")
            elif _hash(archive, name) != digest:
                problems.append(f"DIFFERS  {name}: does not match SHA256SUMS")
        for name in sorted(names - listed - set(sums) - set(SIGNING_FILES)):
            if not name.endswith("/"):
                problems.append(f"NOT IN MANIFEST  {name}")
        signature_problems, notes = _signature(archive, names, sums_bytes, public_key)
        problems += signature_problems
        bad = archive.testzip()
        if bad:
            problems.append(f"CORRUPT  {bad}: the ZIP checksum does not match")
    return checked, problems, notes


class Command(BaseCommand):
    help = (
        "Check an evidence pack offline: the site's signature of SHA256SUMS, every file's "
        "SHA-256 against SHA256SUMS and manifest.csv, and no file added or missing. Exits "
        "with status 1 if anything differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("pack", help="the downloaded evidence pack (.zip)")
        parser.add_argument(
            "--public-key",
            help="the site's public key (PEM), downloaded from PEELtrack and kept: proves "
            "who made the pack. Without it the key inside the pack is used, with a warning.",
        )

    def handle(self, *args, pack, public_key=None, **options):
        key = None
        if public_key:
            try:
                key = signing.load_public_key(Path(public_key).read_bytes())
            except OSError as error:
                raise CommandError(f"Cannot read {public_key}: {error}") from error
            except ValueError as error:
                raise CommandError(f"{public_key} is not an Ed25519 public key: {error}") from None
        checked, problems, notes = verify(pack, key)
        for line in notes:
            self.stdout.write(line)
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{pack}: {len(problems)} problem(s) in {checked} files checked.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{pack}: all {checked} files match the manifest and checksums, and the "
                "signature is good."
            )
        )
