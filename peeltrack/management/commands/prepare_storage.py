"""Make the file store ready: its container, bucket or folder, and a write-read-delete check."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from peeltrack import storage


class Command(BaseCommand):
    help = (
        "Create the file store's container (Azure), bucket (S3) or folder (local disk) if it "
        "is missing, then write, read back and delete a probe file. Safe to run on every "
        "deployment."
    )

    def handle(self, *args, **options):
        kind = settings.FILE_STORAGE
        try:
            made = storage.create_container(default_storage)
            probe = f"probes/{uuid.uuid4().hex}"
            name = default_storage.save(probe, ContentFile(b"peeltrack"))
            with default_storage.open(name, "rb") as handle:
                read = handle.read()
            default_storage.delete(name)
        except Exception as error:  # noqa: BLE001  (any failure: say which store and why)
            raise CommandError(f"The {kind} file store is not usable: {error}") from error
        if read != b"peeltrack":
            raise CommandError(f"The {kind} file store gave back different bytes.")
        self.stdout.write(
            self.style.SUCCESS(
                f"The {kind} file store is ready{' (created)' if made else ''}: "
                "a file was written, read back and deleted."
            )
        )
