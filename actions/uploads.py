"""Evidence file checks: size, type from content (not just the name), safety, and SHA-256."""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from ui.files import HEAD_BYTES, content_family
from ui.upload_safety import check_upload

# extension -> (family, content type stored and sent on download)
ACCEPTED = {
    ".pdf": ("pdf", "application/pdf"),
    ".png": ("png", "image/png"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
    ".docx": (
        "ooxml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": ("ooxml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (
        "ooxml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ".odt": ("odf", "application/vnd.oasis.opendocument.text"),
    ".ods": ("odf", "application/vnd.oasis.opendocument.spreadsheet"),
    ".doc": ("ole", "application/msword"),
    ".xls": ("ole", "application/vnd.ms-excel"),
    ".ppt": ("ole", "application/vnd.ms-powerpoint"),
    ".msg": ("ole", "application/vnd.ms-outlook"),
    ".csv": ("text", "text/csv"),
    ".txt": ("text", "text/plain"),
    ".eml": ("email", "message/rfc822"),
}
ACCEPTED_HINT = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG, JPEG or email"


def inspect_upload(upload) -> dict:
    """Check an uploaded evidence file; return its content type, size and SHA-256.

    Raises ValidationError with a message a person can act on. The form and the service
    both ask; the answer is kept on the upload so a large file is read and hashed once.
    """
    checked = getattr(upload, "_peel_inspection", None)
    if checked is not None:
        return dict(checked)
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if upload.size == 0:
        raise ValidationError("The selected file is empty.", code="empty")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"The selected file must be smaller than {filesizeformat(settings.EVIDENCE_MAX_BYTES)}"
            f" (it is {filesizeformat(upload.size)}).",
            code="too_big",
        )
    if extension not in ACCEPTED:
        raise ValidationError(
            f"Files ending “{extension or '(none)'}” are not accepted. "
            f"The selected file must be a {ACCEPTED_HINT} file.",
            code="type",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    expected, content_type = ACCEPTED[extension]
    actual = content_family(head, upload)
    # An email saved as .txt is still text; a CSV is text.
    if actual != expected and not (expected == "text" and actual == "email"):
        raise ValidationError(
            f"The file is named “{name}” but its content is not a {extension[1:].upper()} "
            f"file. Upload the original {extension[1:].upper()} file.",
            code="mismatch",
        )
    check_upload(upload)  # archive bombs, active PDFs, viruses (ui/upload_safety.py)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload._peel_inspection = {
        "original_name": name,
        "size": upload.size,
        "content_type": content_type,
        "sha256": digest.hexdigest(),
    }
    return dict(upload._peel_inspection)


def sha256_of_file(field_file) -> str:
    """Re-hash a stored file in chunks (constant memory)."""
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
