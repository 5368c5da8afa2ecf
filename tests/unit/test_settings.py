"""One settings reader for the three services: the same variable means the same thing everywhere,
empty counts as unset, and a malformed value gets a message naming the variable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plecak.issuer.config import Settings as IssuerSettings
from plecak.runtime.settings import Environment, SettingsError
from plecak.verifier.config import Settings as VerifierSettings
from plecak.wallet.config import Settings as WalletSettings

TOKEN = "t" * 32
SERVICES: dict[str, tuple[Callable[[dict[str, str]], Any], int, str]] = {
    "issuer": (IssuerSettings.from_env, 8001, "PLECAK_ISSUER_URL"),
    "wallet": (WalletSettings.from_env, 8002, "PLECAK_WALLET_URL"),
    "verifier": (VerifierSettings.from_env, 8003, "PLECAK_VERIFIER_URL"),
}


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"PLECAK_ADMIN_TOKEN": TOKEN, "PLECAK_DATA_DIR": str(tmp_path), **values}


@pytest.mark.parametrize("service", SERVICES)
def test_empty_port_and_host_mean_the_defaults(service: str, tmp_path: Path) -> None:
    from_env, port, _ = SERVICES[service]
    settings = from_env(_env(tmp_path, PLECAK_PORT="", PLECAK_HOST=" "))
    assert settings.port == port
    assert settings.host == "127.0.0.1"
    assert settings.public_url == f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("service", SERVICES)
def test_malformed_port_names_the_variable(service: str, tmp_path: Path) -> None:
    from_env, _, _ = SERVICES[service]
    with pytest.raises(SettingsError, match="PLECAK_PORT must be a whole number"):
        from_env(_env(tmp_path, PLECAK_PORT="80a"))
    with pytest.raises(SettingsError, match="PLECAK_PORT must be at most 65535"):
        from_env(_env(tmp_path, PLECAK_PORT="70000"))


@pytest.mark.parametrize("service", SERVICES)
def test_public_url_must_be_http_with_a_host(service: str, tmp_path: Path) -> None:
    from_env, _, variable = SERVICES[service]
    with pytest.raises(SettingsError, match=variable):
        from_env(_env(tmp_path, **{variable: "ftp://example.org"}))
    with pytest.raises(SettingsError, match=variable):
        from_env(_env(tmp_path, **{variable: "https://"}))
    assert from_env(_env(tmp_path, **{variable: " https://x.example/ "})).public_url == "https://x.example"


@pytest.mark.parametrize("service", SERVICES)
def test_wildcard_host_gets_a_loopback_public_url(service: str, tmp_path: Path) -> None:
    from_env, port, _ = SERVICES[service]
    settings = from_env(_env(tmp_path, PLECAK_HOST="0.0.0.0"))
    assert settings.host == "0.0.0.0"
    assert settings.public_url == f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("service", SERVICES)
def test_insecure_hosts_are_host_port_pairs(service: str, tmp_path: Path) -> None:
    from_env, _, _ = SERVICES[service]
    settings = from_env(_env(tmp_path, PLECAK_INSECURE_HOSTS=" Localhost:8001 ,127.0.0.1:8002,"))
    assert settings.insecure_hosts == frozenset({"localhost:8001", "127.0.0.1:8002"})
    with pytest.raises(SettingsError, match="PLECAK_INSECURE_HOSTS"):
        from_env(_env(tmp_path, PLECAK_INSECURE_HOSTS="localhost"))


@pytest.mark.parametrize("service", ["issuer", "verifier"])
def test_admin_token_is_stripped_the_same_way_from_variable_and_file(service: str, tmp_path: Path) -> None:
    from_env, _, _ = SERVICES[service]
    assert from_env(_env(tmp_path, PLECAK_ADMIN_TOKEN=f"  {TOKEN}\n")).admin_token == TOKEN
    (tmp_path / "admin-token").write_text(f"{TOKEN}\n")
    assert from_env({"PLECAK_DATA_DIR": str(tmp_path), "PLECAK_ADMIN_TOKEN": " "}).admin_token == TOKEN


@pytest.mark.parametrize("service", ["issuer", "verifier"])
def test_missing_or_short_admin_token_is_refused(service: str, tmp_path: Path) -> None:
    from_env, _, _ = SERVICES[service]
    with pytest.raises(SettingsError, match="set PLECAK_ADMIN_TOKEN"):
        from_env({"PLECAK_DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="at least 16 characters"):
        from_env(_env(tmp_path, PLECAK_ADMIN_TOKEN="short"))


def test_flags_and_choices_refuse_unknown_words() -> None:
    env = Environment({"A": " yes ", "B": "off", "C": "maybe", "D": "key", "E": "ldap"})
    assert env.flag("A") is True
    assert env.flag("B") is False
    assert env.flag("UNSET", default=True) is True
    with pytest.raises(SettingsError, match="C must be 1/true"):
        env.flag("C")
    assert env.choice("D", "web", ("web", "key")) == "key"
    with pytest.raises(SettingsError, match="E must be one of web, key"):
        env.choice("E", "web", ("web", "key"))


def test_numbers_refuse_nan_infinity_and_negatives() -> None:
    env = Environment({"N": "nan", "I": "inf", "M": "-1", "OK": " 2.5 "})
    for name in ("N", "I", "M"):
        with pytest.raises(SettingsError, match=name):
            env.number(name, 1.0)
    assert env.number("OK", 1.0) == 2.5
    assert env.number("UNSET", 1.0) == 1.0


def test_settings_error_is_a_value_error() -> None:
    assert issubclass(SettingsError, ValueError)


def test_issuer_sd_jwt_vct_defaults_to_hosted_and_may_be_shared(tmp_path: Path) -> None:
    assert IssuerSettings.from_env(_env(tmp_path)).sdjwt_vct == "hosted"
    assert IssuerSettings.from_env(_env(tmp_path, PLECAK_SDJWT_VCT="shared")).sdjwt_vct == "shared"
    with pytest.raises(SettingsError, match="PLECAK_SDJWT_VCT"):
        IssuerSettings.from_env(_env(tmp_path, PLECAK_SDJWT_VCT="elsewhere"))
