"""Ed25519 signatures of a pack's manifest (which holds the SHA-256 of every other member).

The private key is a PEM file (PACK_SIGNING_KEY_FILE) on the instance that offers a pack; the
public key is 32 bytes in base64 (UPSTREAM_PUBLIC_KEY) on the instances that follow it.
"""

import base64
import binascii

from guides.content_pack import ContentPackError

# cryptography is imported where it is used: it costs every web worker about 8 MB of memory,
# and only the pack commands, a pull and /packs/latest.zip need it.


def new_private_key_pem():
    """(private key as PEM, public key in base64) of a new key pair."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem, public_key_text(key)


def public_key_text(private_key):
    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode()


def load_private_key(path):
    """The key in the PEM file at `path`; raises ValueError when it is not an Ed25519 key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with open(path, "rb") as file:
        key = serialization.load_pem_private_key(file.read(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def load_public_key(text):
    """The key from its base64 text; raises ValueError for anything else."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except (binascii.Error, ValueError):
        raise ValueError("not an Ed25519 public key in base64 (44 characters)") from None


def sign(private_key, data):
    """The signature of `data`, as base64 text in bytes (the pack's `signature` member)."""
    return base64.b64encode(private_key.sign(data))


def verify(public_key, data, signature, name):
    """Raise ContentPackError unless `signature` is the key's signature of `data`."""
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(base64.b64decode(signature.strip(), validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError):
        raise ContentPackError(
            [f"{name}: the signature does not match UPSTREAM_PUBLIC_KEY (tampered or another key)"]
        ) from None
