"""What an uploaded file really is, judged from its bytes rather than its name.

Evidence uploads (actions), source documents (inspections) and action plans (plans) all
ask here, so a file is judged the same way wherever it comes in."""

import unicodedata
import zipfile

import filetype

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 64 * 1024


def content_family(head: bytes, upload) -> str | None:
    """What the content really is, judged from its bytes."""
    if head.startswith(OLE2_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return zip_family(upload)
    kind = filetype.guess(head)
    if kind is not None:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}.get(
            kind.mime, kind.mime
        )
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None
    first_lines = text.lstrip().splitlines()[:30]
    headers = {line.split(":", 1)[0].lower() for line in first_lines if ":" in line}
    if {"from", "subject"} <= headers or {"from", "date", "to"} <= headers:
        return "email"
    return "text"


def zip_family(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return "odf"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def download_name(name: str, fallback: str) -> str:
    """The name a file was uploaded with, for Content-Disposition: accents, spaces and
    brackets kept (FileResponse writes RFC 6266 filename* for them); only what could
    point elsewhere, break the header or not be saved on Windows is removed (folders,
    control characters, and " < > : | ? *)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*'
    ).strip(" .")
    return name[:200] or fallback
