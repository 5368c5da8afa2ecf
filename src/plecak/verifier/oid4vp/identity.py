"""Who the verifier is to a wallet: the key that signs OpenID4VP Request Objects, with its certificate
(client identifier prefix ``x509_san_dns``) or its did:key (``decentralized_identifier``).

Production deployments configure a certificate issued for their host name
(``PLECAK_OID4VP_CERTIFICATE`` + ``PLECAK_OID4VP_KEY``). Without one, a P-256 key and a self-signed
certificate for the public URL's host are made once in the data directory (wallets show such a
request as coming from an unverified certificate).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.crypto.keys import EcdsaKeyPair
from plecak.core.did import did_key
from plecak.core.oid4vp.jar import self_signed_certificate
from plecak.core.timeutil import utc_now

from ..config import Settings

__all__ = ["VerifierIdentity", "load_identity"]

KEY_FILE = "oid4vp-key.pem"
CERT_FILE = "oid4vp-cert.pem"
NAME = "Plecak verifier"


@dataclass(frozen=True)
class VerifierIdentity:
    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]
    prefix: str
    """``x509_san_dns`` or ``decentralized_identifier``."""
    host: str

    @property
    def did(self) -> str:
        return did_key(EcdsaKeyPair("P-256", self.key.public_key(), self.key))

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    @property
    def client_id(self) -> str:
        return f"x509_san_dns:{self.host}" if self.prefix == "x509_san_dns" else f"decentralized_identifier:{self.did}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _create_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) unless it exists: the first of several processes
    starting at once wins, and every one then loads the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"{path} must hold a P-256 private key (ES256)")
    return key


def _development_identity(
    data_dir: Path, host: str, now: datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = data_dir / KEY_FILE, data_dir / CERT_FILE
    if not key_path.is_file():
        fresh = ec.generate_private_key(ec.SECP256R1())
        pem = fresh.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _create_private(key_path, pem)
    key = _load_key(key_path)
    if cert_path.is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        same_key = cert.public_key() == key.public_key()
        try:
            names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            covers = host in names.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            covers = False
        if same_key and (covers or _is_ip(host)) and cert.not_valid_after_utc > now:
            return key, cert
    cert = self_signed_certificate(key, host, name=NAME, now=now)
    tmp = cert_path.with_name(f".{cert_path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tmp.replace(cert_path)
    return key, cert


def load_identity(settings: Settings, now: datetime | None = None) -> VerifierIdentity:
    """The configured certificate and key, or the development ones in the data directory."""
    host = urlsplit(settings.public_url).hostname or "localhost"
    prefix = settings.oid4vp_client_id_prefix or ("decentralized_identifier" if _is_ip(host) else "x509_san_dns")
    if prefix == "x509_san_dns" and _is_ip(host):
        raise ValueError("x509_san_dns needs a public URL with a host name, not an IP address")
    if settings.oid4vp_certificate_file is not None and settings.oid4vp_key_file is not None:
        key = _load_key(settings.oid4vp_key_file)
        chain = tuple(x509.load_pem_x509_certificates(settings.oid4vp_certificate_file.read_bytes()))
        if not chain or chain[0].public_key() != key.public_key():
            raise ValueError("PLECAK_OID4VP_CERTIFICATE must start with the certificate of PLECAK_OID4VP_KEY")
        return VerifierIdentity(key, chain, prefix, host)
    key, cert = _development_identity(settings.data_dir, host, now or utc_now())
    return VerifierIdentity(key, (cert,), prefix, host)
