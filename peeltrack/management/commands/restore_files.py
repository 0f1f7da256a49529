"""Put a backup's files into an empty file store, checking each against SHA256SUMS."""

import hashlib
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from peeltrack import storage


class Command(BaseCommand):
    help = (
        "Upload the files of a backup folder (made by backup_files) into the configured file "
        "store under the same names, after checking each against the folder's SHA256SUMS. "
        "The store must be empty: a restore never mixes with what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        sums_file = folder / "SHA256SUMS"
        if not sums_file.exists():
            raise CommandError(f"{sums_file} is missing: is {folder} a backup_files folder?")
        storage.create_container(default_storage)
        if storage.all_files(default_storage):
            raise CommandError("The file store is not empty: restore into an empty one.")
        entries = [line.split("  ", 1) for line in sums_file.read_text().splitlines() if line]
        for expected, name in entries:
            path = folder / name
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):  # noqa: B023
                    digest.update(chunk)
            if digest.hexdigest() != expected:
                raise CommandError(f"{name} does not match its SHA-256 in the backup.")
            with path.open("rb") as handle:
                stored = default_storage.save(name, File(handle, name=name))
            if stored != name:
                raise CommandError(f"{name} was stored as {stored}: the store was not empty.")
        self.stdout.write(self.style.SUCCESS(f"Restored {len(entries)} files into the store."))
