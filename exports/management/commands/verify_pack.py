"""Check a downloaded evidence pack against its own manifest and checksums."""

import csv
import hashlib
import io
import zipfile

from django.core.management.base import BaseCommand, CommandError

from exports.pack_contents import MANIFEST_HEADERS, PACK_FILES

PATH, RECORDED, CHECK = MANIFEST_HEADERS[0], MANIFEST_HEADERS[15], MANIFEST_HEADERS[17]


def _hash(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unescape(value: str) -> str:
    # Exports put a quote before text that a spreadsheet would run as a formula.
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def verify(path: str) -> tuple[int, list[str]]:
    """(files checked, problems found) for the pack at path."""
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
            if not row[CHECK].startswith("OK"):
                problems.append(f"FLAGGED WHEN PACKED  {name}: {_unescape(row[CHECK])}")
        if "SHA256SUMS" in names:
            for line in archive.read("SHA256SUMS").decode("utf-8").splitlines():
                digest, _, name = line.partition("  ")
                if name in listed or not name:
                    continue  # evidence files were checked against the manifest above
                checked += 1
                if name not in names:
                    problems.append(f"MISSING FROM PACK  {name}")
                elif _hash(archive, name) != digest:
                    problems.append(f"DIFFERS  {name}: does not match SHA256SUMS")
        else:
            problems.append("MISSING FROM PACK  SHA256SUMS")
        for name in sorted(names - listed - set(PACK_FILES)):
            if not name.endswith("/"):
                problems.append(f"NOT IN MANIFEST  {name}")
        bad = archive.testzip()
        if bad:
            problems.append(f"CORRUPT  {bad}: the ZIP checksum does not match")
    return checked, problems


class Command(BaseCommand):
    help = (
        "Check an evidence pack: every file's SHA-256 against manifest.csv and SHA256SUMS, "
        "and no file added or missing. Exits with status 1 if anything differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("pack", help="the downloaded evidence pack (.zip)")

    def handle(self, *args, pack, **options):
        checked, problems = verify(pack)
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{pack}: {len(problems)} problem(s) in {checked} files checked.")
        self.stdout.write(
            self.style.SUCCESS(f"{pack}: all {checked} files match the manifest and checksums.")
        )
