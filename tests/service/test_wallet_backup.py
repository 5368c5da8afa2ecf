"""Export everything with a passphrase and import it on another wallet; a failed import changes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from plecak.wallet.backup import KdfLimits, read_backup, write_backup
from plecak.wallet.exceptions import UserError
from plecak.wallet.vault import HolderKey
from support.wallet import Browser, Servers, servers
from support.wallet_backup import PASSPHRASE, credential_titles, export_backup, import_backup, second_wallet

__all__ = ["second_wallet", "servers"]


async def _add(browser: Browser, credential: dict[str, object]) -> None:
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text


async def test_export_then_import_on_another_wallet(servers: Servers, second_wallet: Browser) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    revoked = await servers.issuer.issue(did)
    await _add(browser, await servers.issuer.issue(did))
    await _add(browser, revoked)
    await servers.issuer.set_status(revoked["id"], "revocation", True)
    status, data = await export_backup(browser)
    assert status == 200
    document = json.loads(data)
    assert document["format"] == "plecak-wallet-backup"
    assert document["version"] == 1
    assert document["kdf"]["name"] == "argon2id"
    assert document["cipher"]["name"] == "AES-256-GCM"
    assert b"Data Literacy" not in data
    assert did.encode() not in data

    new_did = await second_wallet.sign_up("anna.moved@example.org")
    assert new_did != did
    status, text = await import_backup(second_wallet, data)
    assert status == 200, text
    assert "Imported 2 credentials" in text, text
    assert len(credential_titles(text)) == 2
    assert "status-valid" in text
    assert "status-revoked" in text
    _, page = await second_wallet.get("/backup")
    assert did in page  # the wallet now uses the moved key
    # importing again adds nothing twice
    status, text = await import_backup(second_wallet, data)
    assert status == 200
    assert "Imported 0 credentials" in text
    assert len(credential_titles(text)) == 2


async def test_failed_imports_change_nothing(servers: Servers, second_wallet: Browser) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    await _add(browser, await servers.issuer.issue(did))
    _, data = await export_backup(browser)

    other_did = await second_wallet.sign_up("someone@example.org")
    await _add(second_wallet, await servers.issuer.issue(other_did))

    async def unchanged() -> None:
        _, listing = await second_wallet.get("/")
        assert len(credential_titles(listing)) == 1
        _, page = await second_wallet.get("/backup")
        assert other_did in page
        assert did not in page

    status, text = await import_backup(second_wallet, data, "wrong passphrase!")
    assert status == 400
    assert "passphrase is wrong" in text
    await unchanged()

    status, text = await import_backup(second_wallet, data)
    assert status == 400
    assert "already holds 1 credential issued to another key" in text
    await unchanged()

    tampered = json.loads(data)
    tampered["kdf"]["timeCost"] = 2
    status, text = await import_backup(second_wallet, json.dumps(tampered).encode())
    assert status == 400
    assert "passphrase is wrong, or the file was changed" in text

    broken = json.loads(data)
    raw = bytearray(base64.b64decode(broken["ciphertext"]))
    raw[10] ^= 1
    broken["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    status, text = await import_backup(second_wallet, json.dumps(broken).encode())
    assert status == 400
    assert "passphrase is wrong" in text

    for junk in (b"not json", b'{"format": "something else"}', b"[]"):
        status, text = await import_backup(second_wallet, junk)
        assert status == 400
        assert "not a Plecak wallet backup" in text
    newer = json.loads(data)
    newer["version"] = 2
    status, text = await import_backup(second_wallet, json.dumps(newer).encode())
    assert status == 400
    assert "newer wallet" in text
    await unchanged()


async def test_a_backup_with_a_forged_credential_is_refused_whole(
    servers: Servers, second_wallet: Browser
) -> None:
    holder = HolderKey.generate()
    good = await servers.issuer.issue(holder.did)
    forged = await servers.issuer.issue(holder.did)
    forged["credentialSubject"]["result"][0]["value"] = "5.0"
    data = write_backup(
        PASSPHRASE,
        holder,
        [{"credential": good, "added": "x", "source": "offer"}, {"credential": forged}],
        time_cost=1,
        memory_kib=1024,
    )
    await second_wallet.sign_up("fresh@example.org")
    status, text = await import_backup(second_wallet, data)
    assert status == 400
    assert "does not verify" in text
    assert "signature" in text
    _, listing = await second_wallet.get("/")
    assert credential_titles(listing) == []
    _, page = await second_wallet.get("/backup")
    assert holder.did not in page


def test_backup_round_trip_and_passphrase_rules() -> None:
    holder = HolderKey.generate()
    data = write_backup(PASSPHRASE, holder, [], time_cost=1, memory_kib=1024)
    restored = read_backup(data, PASSPHRASE)
    assert restored.holder.did == holder.did
    assert restored.credentials == []
    with pytest.raises(UserError) as err:
        write_backup("short", holder, [])
    assert err.value.key == "backup.passphrase_short"
    crafted = json.loads(data)
    crafted["kdf"]["memoryKiB"] = "a lot"
    with pytest.raises(UserError) as err:
        read_backup(json.dumps(crafted).encode(), PASSPHRASE)
    assert err.value.key == "backup.bad_content"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("memoryKiB", 1 << 20),  # 1 GiB: what took three uploads past 2.9 GB
        ("memoryKiB", 80 * 1024 + 1),  # just over the default 64 MiB and its margin
        ("timeCost", 7),
        ("parallelism", 5),
        ("parallelism", 1 << 20),
    ],
)
def test_backup_asking_for_a_costlier_key_derivation_than_the_wallet_writes_is_refused_before_deriving(
    field: str, value: int
) -> None:
    holder = HolderKey.generate()
    crafted = json.loads(write_backup(PASSPHRASE, holder, [], time_cost=1, memory_kib=1024))
    crafted["kdf"][field] = value
    with pytest.raises(UserError) as err:
        read_backup(json.dumps(crafted).encode(), PASSPHRASE)
    assert err.value.key == "backup.too_costly"
    assert f"kdf.{field} {value}" in err.value.params["problem"]


def test_backup_limits_follow_the_wallet_settings_with_a_margin() -> None:
    assert KdfLimits.accepting() == KdfLimits(time_cost=6, memory_kib=80 * 1024, parallelism=4)
    assert KdfLimits.accepting(4, 128 * 1024) == KdfLimits(time_cost=8, memory_kib=160 * 1024, parallelism=4)
    holder = HolderKey.generate()
    data = write_backup(PASSPHRASE, holder, [], time_cost=2, memory_kib=80 * 1024)  # at the edge: accepted
    assert read_backup(data, PASSPHRASE).holder.did == holder.did


async def test_uploading_a_backup_with_a_huge_memory_cost_is_answered_4xx_at_once(
    servers: Servers, second_wallet: Browser
) -> None:
    await second_wallet.sign_up()
    crafted = json.loads(write_backup(PASSPHRASE, HolderKey.generate(), [], time_cost=1, memory_kib=1024))
    crafted["kdf"]["memoryKiB"] = 1 << 20
    status, text = await import_backup(second_wallet, json.dumps(crafted).encode())
    assert status == 400
    assert "stronger than this wallet accepts" in text
    assert "kdf.memoryKiB 1048576, at most 81920" in text
    await second_wallet.get("/lang/pl?next=/backup")
    status, text = await import_backup(second_wallet, json.dumps(crafted).encode())
    assert status == 400
    assert "większym koszcie" in text


async def test_export_passphrase_problems(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    status, body = await export_backup(browser, "short")
    assert status == 400
    assert b"at least 10 characters" in body
    status, body = await export_backup(browser, PASSPHRASE, PASSPHRASE + "!")
    assert status == 400
    assert b"not the same" in body
