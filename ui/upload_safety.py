"""Is an uploaded file safe to keep? One check for every way a file comes in.

Evidence (the form and the API), inspection reports, national reports, source documents
and action plans all call `check_upload` before anything is stored, so a file is refused
the same way wherever it arrives:

- an archive (office files are zips: .docx, .xlsx, .pptx, .odt...) that would inflate to
  too much, too many members or at too high a ratio (a "zip bomb"), judged from the
  archive's directory alone: nothing is extracted. Python's zipfile never inflates a
  member past the size its directory declares, so a directory that lies about the sizes
  cannot make a later reader (openpyxl for plans) inflate more than was checked here;
- a PDF with active content: JavaScript, an action that launches a program, or embedded
  files (which would carry a second file past every check of type);
- anything ClamAV's daemon (clamd) finds, when scanning is on (CLAMAV_ENABLED). A clamd
  that cannot be reached refuses the upload too: a file that could not be checked is
  not kept.

A refusal is an `UnsafeUpload` (a ValidationError, so forms and serializers show its
message). The one for a dangerous file says so (`dangerous`), and is kept on the upload
so the view can write the security event (accounts.security.record_refused_uploads):
this layer sits below the audit trail.
"""

import logging
import re
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

log = logging.getLogger(__name__)

# The check's answer is kept on the upload: forms and services may both ask.
_CHECKED = "_peel_safe"
_REFUSAL = "_peel_refusal"
PDF_SCAN_CHUNK = 1024 * 1024


class UnsafeUpload(ValidationError):
    """A file refused as unsafe to store; `dangerous` when it looks like an attack."""

    dangerous = True

    def __init__(self, message: str, *, code: str, title: str, detail: str = ""):
        super().__init__(message, code=code)
        self.title = title
        self.detail = detail


class ScanUnavailable(UnsafeUpload):
    """The virus scanner could not be asked: not the file's fault, try again later."""

    dangerous = False


def check_upload(upload) -> None:
    """Refuse an archive bomb, a PDF with active content, or a file clamd finds infected.

    Raises UnsafeUpload (or ScanUnavailable); returns None for a file that may be kept."""
    if getattr(upload, _CHECKED, False):
        return
    refusal = getattr(upload, _REFUSAL, None)
    if refusal is not None:
        raise refusal
    name = PurePath(upload.name or "").name or "the file"
    try:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(b"PK\x03\x04"):
            check_archive(upload, name)
        if head.startswith(b"%PDF") or PurePath(name).suffix.lower() == ".pdf":
            check_pdf(upload, name)
        if settings.CLAMAV_ENABLED:
            scan_for_viruses(upload, name)
    except UnsafeUpload as error:
        setattr(upload, _REFUSAL, error)
        raise
    finally:
        upload.seek(0)
    setattr(upload, _CHECKED, True)


def refusal_of(upload) -> UnsafeUpload | None:
    """Why this upload was refused by check_upload, if it was."""
    return getattr(upload, _REFUSAL, None)


# --- Archives --------------------------------------------------------------------------


def check_archive(upload, name: str) -> None:
    """Refuse a zip whose members would inflate past the limits; reads only its directory."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return  # not a readable zip: the check of type says what it is
    finally:
        upload.seek(0)
    most = settings.UPLOAD_ZIP_MAX_MEMBERS
    if len(members) > most:
        raise _archive_refusal(name, f"it holds {len(members):,} files (at most {most:,})")
    inflated = sum(member.file_size for member in members)
    limit = settings.UPLOAD_ZIP_MAX_BYTES
    if inflated > limit:
        raise _archive_refusal(
            name,
            f"it would expand to {filesizeformat(inflated)} when opened "
            f"(at most {filesizeformat(limit)})",
        )
    ratio = inflated / max(upload.size, 1)
    # Small documents compress very well and harm nothing; only a large expansion counts.
    if inflated > 1024 * 1024 and ratio > settings.UPLOAD_ZIP_MAX_RATIO:
        raise _archive_refusal(
            name,
            f"it would expand {ratio:,.0f} times when opened, from {filesizeformat(upload.size)}"
            f" to {filesizeformat(inflated)} (at most {settings.UPLOAD_ZIP_MAX_RATIO} times)",
        )


def _archive_refusal(name: str, why: str) -> UnsafeUpload:
    return UnsafeUpload(
        f"“{name}” was not accepted: {why}. A file like this can be used to overload the "
        "server. Save the document again from the program that made it and upload that copy.",
        code="archive_bomb",
        title="Compressed file expands too far",
        detail=why,
    )


# --- PDFs ------------------------------------------------------------------------------

# Names of active content. In the file a name may spell any of its bytes as #xx.
ACTIVE_NAMES = {
    "JavaScript": "JavaScript",
    "JS": "JavaScript",
    "Launch": "an action that starts a program",
    "EmbeddedFiles": "embedded files",
    "EmbeddedFile": "embedded files",
}


def _spelt_any_way(name: str) -> bytes:
    return b"".join(
        b"(?:%s|#(?i:%s))" % (re.escape(c.encode()), f"{ord(c):02x}".encode()) for c in name
    )


# One compiled pattern, run by the regex engine over each chunk: only these names match,
# so a document full of ordinary names costs no Python work per name.
ACTIVE_NAME = re.compile(
    rb"/(?:"
    + b"|".join(_spelt_any_way(n) for n in sorted(ACTIVE_NAMES, key=len, reverse=True))
    + rb")(?=[\s/<>\[\]()%{}])"
)


def check_pdf(upload, name: str) -> None:
    """Refuse a PDF with JavaScript, a launch action or embedded files.

    Two cheap looks, each catching what the other cannot: a scan of the bytes for the
    names (bounded: chunk by chunk, never the whole file in memory) sees them in a file
    too damaged for a parser, and pypdf's reading of the document's structure (the
    catalogue's name trees and open action, each page's actions and annotations) sees
    them inside compressed object streams, where no byte scan can."""
    found = _active_names_in_bytes(upload) or _active_content_in_structure(upload)
    if found:
        raise UnsafeUpload(
            f"“{name}” was not accepted: the PDF contains {found}, which could run when it "
            "is opened. Print it to a new PDF (or save it as PDF/A) and upload that copy.",
            code="pdf_active_content",
            title="PDF with active content",
            detail=found,
        )


def _active_names_in_bytes(upload) -> str | None:
    upload.seek(0)
    tail = b""
    try:
        for chunk in iter(lambda: upload.read(PDF_SCAN_CHUNK), b""):
            block = tail + chunk
            match = ACTIVE_NAME.search(block)
            if match:
                return ACTIVE_NAMES[_decode_name(match.group())[1:].decode()]
            tail = block[-64:]  # a name split across two chunks
    finally:
        upload.seek(0)
    return None


def _decode_name(token: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), token)


def _active_content_in_structure(upload) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/JavaScript" in names:
            return "JavaScript"
        if "/EmbeddedFiles" in names:
            return "embedded files"
        found = _action_kind(root.get("/OpenAction")) or _action_kind(root.get("/AA"))
        if found:
            return found
        for number, page in enumerate(reader.pages):
            if number >= 2000:  # bounded: a longer document is judged by its first pages
                break
            found = _action_kind(page.get("/AA"))
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                found = (
                    found
                    or _action_kind(annotation.get("/A"))
                    or _action_kind(annotation.get("/AA"))
                )
                if annotation.get("/Subtype") == "/FileAttachment":
                    found = found or "embedded files"
            if found:
                return found
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError):
        return None  # unreadable to pypdf: the byte scan has had its look
    finally:
        upload.seek(0)
    return None


def _action_kind(action, depth: int = 0) -> str | None:
    """What an action (or a dictionary of actions, or a chain of /Next) would do."""
    if action is None or depth > 20:
        return None
    action = action.get_object()
    if not hasattr(action, "get"):
        return None  # a destination (a page to open at), not an action
    kind = action.get("/S")
    if kind in ("/JavaScript",) or "/JS" in action:
        return "JavaScript"
    if kind == "/Launch":
        return "an action that starts a program"
    if kind is None:  # an additional-actions dictionary: {/O: action, /C: action...}
        for value in action.values():
            found = _action_kind(value, depth + 1)
            if found:
                return found
    follow = action.get("/Next")
    if follow is not None:
        follows = follow.get_object()
        for item in follows if isinstance(follows, list) else [follows]:
            found = _action_kind(item, depth + 1)
            if found:
                return found
    return None


# --- Viruses ---------------------------------------------------------------------------


def clamd_client():
    """A client for the configured clamd: TCP when CLAMD_HOST is set, else the socket."""
    from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket

    timeout = settings.CLAMD_TIMEOUT
    if settings.CLAMD_HOST:
        return ClamdNetworkSocket(settings.CLAMD_HOST, settings.CLAMD_PORT, timeout=timeout)
    return ClamdUnixSocket(settings.CLAMD_SOCKET, timeout=timeout)


def scan_for_viruses(upload, name: str) -> None:
    """Stream the file to clamd (INSTREAM); refuse it if infected or if clamd cannot answer."""
    from clamav_client.clamd import ClamdError

    upload.seek(0)
    try:
        result = clamd_client().instream(upload)
    except (ClamdError, OSError) as error:
        log.error("clamd could not scan an upload: %s", error)
        raise _unavailable(name) from error
    finally:
        upload.seek(0)
    status, signature = next(iter(result.values()), ("ERROR", "no answer"))
    if status == "FOUND":
        raise UnsafeUpload(
            f"“{name}” was not accepted: the virus scanner found {signature} in it. "
            "It was not stored. If you think this is wrong, tell your IT security team.",
            code="infected",
            title="Virus found",
            detail=signature or "",
        )
    if status != "OK":
        log.error("clamd could not scan an upload: %s %s", status, signature)
        raise _unavailable(name)


def _unavailable(name: str) -> ScanUnavailable:
    return ScanUnavailable(
        f"“{name}” could not be checked for viruses just now, so it was not stored. "
        "Try again later.",
        code="scan_unavailable",
        title="Virus scanner unavailable",
    )
