"""Where evidence and source reports are kept: django-storages backends, tuned for PEELtrack.

settings.FILE_STORAGE picks the local disk, Azure Blob Storage or an S3-compatible store;
every file goes through Django's storage API, never a path on this machine, so any app
server can read what another wrote.

django-storages' own file objects download a whole blob into a temporary file before the
first byte can be read. Evidence is read to be streamed (a download, a pack, a re-hash),
so reading here streams instead: a few megabytes at a time, whatever the file's size.
Files are private: no public or signed URLs; the app streams each download after its
permission check.
"""

import io
import os

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ExponentialRetry
from django.core.files.base import File
from storages.backends import azure_storage, s3
from storages.utils import clean_name

CHUNK = 4 * 1024 * 1024


class _Reader(io.RawIOBase):
    """A read-only, forward-only byte stream over a function that returns the next bytes."""

    def __init__(self, read):
        self._read = read
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self._position += size
        return size

    def tell(self) -> int:
        return self._position


def streamed(read, *, name: str, size: int) -> File:
    """A Django File that reads through `read(n)` in chunks and knows its size."""
    file = File(io.BufferedReader(_Reader(read), buffer_size=CHUNK), name=name)
    file.size = size
    return file


class AzureStorage(azure_storage.AzureStorage):
    """Azure Blob Storage: streamed reads, bounded memory on upload, quick failure."""

    def _client_options(self) -> dict:
        return {
            # Upload in 4 MB blocks and download in 4 MB ranges, never a whole file in memory.
            "max_single_put_size": CHUNK,
            "max_block_size": CHUNK,
            "max_single_get_size": CHUNK,
            "max_chunk_get_size": CHUNK,
            # The SDK's default waits minutes before giving up; a request cannot.
            "retry_policy": ExponentialRetry(initial_backoff=1, increment_base=2, retry_total=3),
            "connection_timeout": 5,
            "read_timeout": 30,
            **self.client_options,
        }

    def _get_service_client(self):
        if self.connection_string:
            return BlobServiceClient.from_connection_string(
                self.connection_string, **self._client_options()
            )
        self.client_options = self._client_options()
        return super()._get_service_client()

    def _open(self, name, mode="rb"):
        if mode != "rb":
            return super()._open(name, mode)
        try:
            download = self.client.download_blob(
                self._get_valid_path(name), timeout=self.timeout, max_concurrency=1
            )
        except ResourceNotFoundError:
            raise FileNotFoundError(f"No stored file {name}") from None
        return streamed(download.read, name=name, size=download.size)

    def ready(self) -> None:
        """Raise unless the container can be reached now (one try, a short timeout)."""
        client = self.service_client.get_container_client(self.azure_container)
        client.get_container_properties(timeout=5, retry_total=0)

    def create_container(self) -> bool:
        """Make the (private) container if it is missing; True if it was made."""
        client = self.service_client.get_container_client(self.azure_container)
        if client.exists():
            return False
        client.create_container()
        return True

    def all_files(self) -> list[str]:
        return self.list_all()


class S3Storage(s3.S3Storage):
    """S3-compatible stores: streamed reads, private objects."""

    def _open(self, name, mode="rb"):
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        client = self.bucket.meta.client
        try:
            got = client.get_object(Bucket=self.bucket_name, Key=key)
        except client.exceptions.NoSuchKey:
            raise FileNotFoundError(f"No stored file {name}") from None
        return streamed(got["Body"].read, name=name, size=got["ContentLength"])

    def ready(self) -> None:
        self.bucket.meta.client.head_bucket(Bucket=self.bucket_name)

    def create_container(self) -> bool:
        try:
            self.ready()
        except Exception:  # noqa: BLE001  (missing or unreadable: try to make it)
            self.bucket.meta.client.create_bucket(Bucket=self.bucket_name)
            return True
        return False

    def all_files(self) -> list[str]:
        prefix = self._normalize_name("")
        prefix = f"{prefix}/" if prefix else ""
        names = []
        for page in self.bucket.meta.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket_name, Prefix=prefix
        ):
            names += [item["Key"][len(prefix) :] for item in page.get("Contents", [])]
        return names


def ready(storage) -> None:
    """Raise unless the store can be used now."""
    if hasattr(storage, "ready"):
        storage.ready()
        return
    # The local folder is made on the first upload: its nearest existing parent will do.
    folder = os.path.abspath(storage.location)
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError("The file store's folder is not writable.")


def all_files(storage) -> list[str]:
    """Every stored file's name, whatever the backend."""
    if hasattr(storage, "all_files"):
        return sorted(storage.all_files())
    names = []
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:  # nothing stored yet
            continue
        names += [f"{folder}{name}" for name in files]
        pending += [f"{folder}{name}/" for name in dirs]
    return sorted(names)


def create_container(storage) -> bool:
    """Make the store's container, bucket or folder if it is missing; True if made."""
    if hasattr(storage, "create_container"):
        return storage.create_container()
    if os.path.isdir(storage.location):
        return False
    os.makedirs(storage.location, exist_ok=True)
    return True
