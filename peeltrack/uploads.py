"""Upload hygiene: a cap on request bodies, and temporary files that cannot be left behind.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a named temporary
file and deletes it when the request ends. A server killed mid-request never gets that
far, so every killed upload used to leave its file (up to 50 MB) in the temp folder.
Here the temporary file has no name at all (`tempfile.TemporaryFile`: O_TMPFILE, or
unlinked at once): the kernel frees it when the last descriptor closes, which happens
however the process ends. Nothing is ever left to clean up. The price: nothing may ask
for the file's path, and nothing in PEELtrack does (files are copied into the store
through the storage API).
"""

import os
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat

from . import errors


class AnonymousTemporaryUploadedFile(UploadedFile):
    """An upload spooled to a temporary file that has no name on disk."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        folder = settings.FILE_UPLOAD_TEMP_DIR
        if folder:
            os.makedirs(folder, exist_ok=True)
        file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115  (closed with the upload)
        super().__init__(file, name, content_type, size, charset, content_type_extra)


class AnonymousTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, with an anonymous temporary file."""

    def new_file(self, *args, **kwargs):
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = AnonymousTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )

    def upload_interrupted(self):
        if hasattr(self, "file"):
            self.file.close()


class RequestBodyLimitMiddleware:
    """Refuses a body larger than REQUEST_MAX_BYTES (413) before a byte of it is read.

    The reverse proxy should refuse it first (nginx: client_max_body_size); this is the
    same limit for a server reached without one. A body sent without a length (chunked)
    is not read by Django at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            return errors.answer(
                request,
                413,
                code="too_large",
                title="The file is too big",
                detail=f"The request is too large: the limit is {filesizeformat(limit)}.",
            )
        return self.get_response(request)
