"""Copy every file in the file store into a local folder, with a SHA256SUMS list."""

import hashlib
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from peeltrack import storage

CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Copy every stored file (evidence, source reports) from the configured file store "
        "into FOLDER, keeping their names, and write FOLDER/SHA256SUMS. Run it after "
        "pg_dump (scripts/backup): stored files are never changed or deleted, so every file "
        "the dump names is there to copy."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        folder = folder.resolve()
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder} is not empty: back up into a new folder.")
        folder.mkdir(parents=True, exist_ok=True)
        sums = []
        names = storage.all_files(default_storage)
        for name in names:
            target = (folder / name).resolve()
            if not target.is_relative_to(folder):
                raise CommandError(f"Refusing a stored name outside the folder: {name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                for chunk in iter(lambda: source.read(CHUNK), b""):  # noqa: B023
                    digest.update(chunk)
                    copy.write(chunk)
            sums.append(f"{digest.hexdigest()}  {name}\n")
        (folder / "SHA256SUMS").write_text("".join(sums))
        self.stdout.write(self.style.SUCCESS(f"Copied {len(names)} stored files to {folder}."))
