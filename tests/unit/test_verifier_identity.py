"""The verifier's OpenID4VP signing identity: a development key and certificate made once in the data
directory, a configured production certificate, and the settings that choose between them."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.oid4vp.jar import self_signed_certificate
from plecak.verifier.config import Settings
from plecak.verifier.oid4vp.identity import load_identity

TOKEN = "t" * 32
NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


def test_development_identity_is_made_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(admin_token=TOKEN, public_url="https://verifier.example", data_dir=tmp_path)
    first = load_identity(settings, NOW)
    assert first.prefix == "x509_san_dns"
    assert first.client_id == "x509_san_dns:verifier.example"
    names = first.chain[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["verifier.example"]
    assert (tmp_path / "oid4vp-key.pem").stat().st_mode & 0o777 == 0o600
    again = load_identity(settings, NOW + datetime.timedelta(days=1))
    assert again.did == first.did
    assert again.chain[0] == first.chain[0]
    # another host name: same key, a new certificate for the new name
    moved = load_identity(Settings(admin_token=TOKEN, public_url="https://jobs.example", data_dir=tmp_path), NOW)
    assert moved.did == first.did
    assert moved.client_id == "x509_san_dns:jobs.example"


def test_ip_address_public_url_signs_with_the_did_key(tmp_path: Path) -> None:
    identity = load_identity(Settings(admin_token=TOKEN, public_url="http://127.0.0.1:8003", data_dir=tmp_path), NOW)
    assert identity.prefix == "decentralized_identifier"
    assert identity.client_id == f"decentralized_identifier:{identity.did}"
    assert identity.did.startswith("did:key:zDn")
    assert identity.kid.startswith(identity.did + "#")
    with pytest.raises(ValueError, match="host name"):
        load_identity(
            Settings(
                admin_token=TOKEN,
                public_url="http://127.0.0.1:8003",
                data_dir=tmp_path,
                oid4vp_client_id_prefix="x509_san_dns",
            ),
            NOW,
        )


def test_configured_certificate_is_used_and_must_match_its_key(tmp_path: Path) -> None:
    key, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "verifier.example", name="Employer", now=NOW)
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    for name, k in (("key.pem", key), ("other.pem", other)):
        (tmp_path / name).write_bytes(
            k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
    env = {
        "PLECAK_ADMIN_TOKEN": TOKEN,
        "PLECAK_VERIFIER_URL": "https://verifier.example",
        "PLECAK_DATA_DIR": str(tmp_path / "data"),
        "PLECAK_OID4VP_CERTIFICATE": str(tmp_path / "cert.pem"),
        "PLECAK_OID4VP_KEY": str(tmp_path / "key.pem"),
    }
    identity = load_identity(Settings.from_env(env), NOW)
    assert identity.chain == (cert,)
    assert not (tmp_path / "data").exists()
    with pytest.raises(ValueError, match="must start with the certificate"):
        load_identity(Settings.from_env({**env, "PLECAK_OID4VP_KEY": str(tmp_path / "other.pem")}), NOW)


def test_oid4vp_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="PLECAK_OID4VP_CLIENT_ID_PREFIX"):
        Settings(admin_token=TOKEN, oid4vp_client_id_prefix="redirect_uri")
    with pytest.raises(ValueError, match="PLECAK_OID4VP_RESPONSE_MODE"):
        Settings(admin_token=TOKEN, oid4vp_response_mode="fragment")
    with pytest.raises(ValueError, match="both"):
        Settings(admin_token=TOKEN, oid4vp_certificate_file=Path("cert.pem"))
    env = {"PLECAK_ADMIN_TOKEN": TOKEN, "PLECAK_OID4VP_RESPONSE_MODE": "direct_post.jwt"}
    assert Settings.from_env(env).oid4vp_response_mode == "direct_post.jwt"
