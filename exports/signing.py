"""The site's Ed25519 key: it signs every evidence pack, so a pack proves where it came from.

The private key is PACK_SIGNING_KEY (settings): a PEM private key, or the base64 of its
DER form or of its 32-byte seed. Production refuses to start without one (settings.py
and ExportsConfig.ready); development and the tests derive a fixed key from SECRET_KEY.
Auditors download the public key from the site (exports:signing_key) and keep it:
`verify_pack --public-key` checks a pack against the key they hold, offline.
"""

import base64
import binascii
import hashlib
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PEM_NAME = "peeltrack-pack-signing-key.pem"


def parse_private_key(value: str) -> Ed25519PrivateKey:
    """A PEM private key, or the base64 of its DER or of a 32-byte seed."""
    text = value.strip().replace("\\n", "\n")
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = base64.b64decode(text, validate=True)
            if len(raw) == 32:
                key = Ed25519PrivateKey.from_private_bytes(raw)
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, binascii.Error) as error:
        raise ImproperlyConfigured(
            "PACK_SIGNING_KEY is not an Ed25519 private key (PEM, or base64 of DER or of a "
            f"32-byte seed): {error}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("PACK_SIGNING_KEY must be an Ed25519 key.")
    return key


def development_key(secret_key: str) -> Ed25519PrivateKey:
    """A fixed key for development and tests, from SECRET_KEY (never used in production)."""
    seed = hashlib.sha256(b"peeltrack evidence pack signing\0" + secret_key.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


@cache
def _key_for(configured: str, secret_key: str) -> Ed25519PrivateKey:
    return parse_private_key(configured) if configured else development_key(secret_key)


def private_key() -> Ed25519PrivateKey:
    return _key_for(settings.PACK_SIGNING_KEY, settings.SECRET_KEY)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_pem(key: Ed25519PublicKey | None = None) -> bytes:
    return (key or public_key()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(key: Ed25519PublicKey | None = None) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits, to read aloud."""
    raw = (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def sign(data: bytes) -> bytes:
    return private_key().sign(data)


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """A public key from PEM; ValueError if it is not an Ed25519 public key."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def verifies(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
