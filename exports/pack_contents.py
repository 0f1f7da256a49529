"""What goes into an evidence pack: its files, the check of each item, and the README.

Shared by the pack's ZIP stream (exports.packs), its offline index (exports.pack_index)
and `verify_pack`, which reads packs back.
"""

import html
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.text import slugify

from actions.models import Action, Evidence

from . import tables

OK = "OK"
MISMATCH = "MISMATCH: file differs from the SHA-256 recorded at upload"
MISSING = "MISSING: stored file not found"
WITHHELD = "WITHHELD: OFFICIAL-SENSITIVE, not shown to the person who made this pack"
LINK = "LINK: not a file"
SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"  # Ed25519 signature of SHA256SUMS, raw 64 bytes
PUBLIC_KEY = "signing-key.pem"  # the public key that signature checks with
PACK_FILES = ("manifest.csv", "audit-trail.csv", "index.html", "README.txt", SUMS)
SIGNING_FILES = (SUMS, SIGNATURE, PUBLIC_KEY)

MANIFEST_HEADERS = [
    "Path in pack",
    "Evidence ID",
    "Action ID",
    "Action",
    "Finding",
    "Inspection",
    "Description",
    "Kind",
    "Link",
    "Uploaded by",
    "Uploaded at",
    "Effective date",
    "Marking",
    "Version",
    "Size (bytes)",
    "SHA-256 recorded at upload",
    "SHA-256 of the file in this pack",
    "Check",
    "Original file name",
]


def slug(text: str, limit: int = 50) -> str:
    return slugify(text)[:limit].strip("-") or "item"


def file_name(evidence: Evidence) -> str:
    name = PurePath(evidence.original_name or "file")
    suffix = re.sub(r"[^a-z0-9.]", "", name.suffix.lower())[:10]
    return f"evidence-{evidence.pk}-{slug(name.stem, 60)}{suffix}"


def action_folder(action: Action) -> str:
    """inspection/finding/action: readable, unique, safe on every file system."""
    finding = action.finding
    return (
        f"{slug(finding.inspection.programme)}/{slug(finding.reference, 30)}"
        f"/action-{action.pk}-{slug(action.title, 40)}"
    )


@dataclass
class Entry:
    """One evidence item and what happened to it in the pack."""

    evidence: Evidence
    path: str = ""
    check: str = ""
    actual_sha256: str = ""
    actual_size: int | None = None

    @property
    def included(self) -> bool:
        return bool(self.path)

    @property
    def withheld(self) -> bool:
        return self.check == WITHHELD


def escape(value) -> str:
    return html.escape(str(value if value is not None else ""))


def who(user) -> str:
    if user is None:
        return ""
    return tables.person(user.first_name, user.last_name, user.get_username())


def version(evidence: Evidence) -> str:
    return "Superseded" if getattr(evidence, "newer", None) else "Current"


README = """{title}
Made {made} by PEELtrack.
Signed with the site's key, fingerprint (SHA-256 of the Ed25519 public key):
  {fingerprint}

What is in this pack
- One folder per inspection, finding and action, holding that action's evidence files.
- manifest.csv: every evidence item, with the SHA-256 recorded when it was uploaded,
  the SHA-256 of the file in this pack, and the result of comparing them ("Check").
  Items marked WITHHELD are OFFICIAL-SENSITIVE evidence the person who made the pack
  may not see; their names and contents are not in the pack.
- index.html: open it in any browser, offline: findings, actions, decisions,
  timelines, with links to the files.
- audit-trail.csv: every recorded event about the items in the pack.
- SHA256SUMS: the SHA-256 of every file in the pack as it was sent.
- SHA256SUMS.sig: the site's Ed25519 signature of SHA256SUMS, and signing-key.pem the
  public key it checks with. Anyone can change files and recompute their hashes; only
  the site's private key makes a signature that its public key accepts.

How to check it without PEELtrack
1. Who made it: get the site's public key from PEELtrack (Audit trail > Pack signing
   key), keep it, and check its fingerprint is the one above. A signing-key.pem inside
   a pack proves nothing on its own: a forger would put their own there.
2. That nothing changed since it was signed (OpenSSL 3, in the unzipped folder):
     openssl pkeyutl -verify -pubin -inkey SITE-KEY.pem -rawin \\
       -in SHA256SUMS -sigfile SHA256SUMS.sig
   It must say "Signature Verified Successfully".
3. That every file is the one listed:  sha256sum -c SHA256SUMS
   (macOS: shasum -a 256 -c SHA256SUMS; Windows PowerShell: Get-FileHash -Algorithm SHA256 PATH
   and compare with SHA256SUMS and the "SHA-256 recorded at upload" column of manifest.csv).
- With PEELtrack, all three at once, offline:
     python manage.py verify_pack PACK.zip --public-key SITE-KEY.pem
A file whose hash differs from the one recorded at upload is not the file that was
uploaded.
"""
