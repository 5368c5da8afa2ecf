"""Passkeys: WebAuthn registration and sign-in ceremonies for wallet accounts (no aiohttp here).

The ceremonies are checked by ``webauthn`` (py_webauthn): client data type, challenge and origin,
the RP id hash, user presence, the signature and the signature counter. Around it this module keeps
what the library leaves to the relying party:

* The relying party is the wallet's public URL (``PLECAK_WALLET_URL``): its host is the RP id and its
  origin the only accepted origin. Browsers refuse IP addresses as RP ids, so passkeys are off when
  the wallet is reached at ``http://127.0.0.1:…`` (use ``http://localhost:…`` when developing).
* A challenge is 32 random bytes kept in Redis under the browser session that asked for it, for
  :attr:`PasskeyService.challenge_seconds`, and taken (GETDEL) by the first answer: it cannot be
  replayed, nor answered from another session.
* Registration asks for a discoverable credential (resident key required, user verification
  preferred, attestation ``none``); a credential id belongs to one account only.
* Sign-in asks for any discoverable credential (no ``allowCredentials``: nothing about accounts is
  revealed). The credential id names the account; ``userHandle`` must be present and be that
  account's handle; an e-mail address typed in must be that account's address. The new counter is
  written with compare-and-set, so two sign-ins with one counter value cannot both succeed.
* Sign-in attempts count against the same limits as password sign-in (per client address; failures
  per e-mail address when one was typed in).
"""

from __future__ import annotations

import ipaddress
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from webauthn.registration.verify_registration_response import VerifiedRegistration

from plecak.core import safejson

from .accounts import Account, AccountService, normalise_email, valid_email
from .exceptions import NotFound, UserError
from .passkey_store import PasskeyStore, StoredPasskey
from .store import digest

__all__ = ["MAX_CREDENTIAL_JSON", "MAX_PASSKEYS", "PasskeyService", "RelyingParty", "relying_party"]

MAX_CREDENTIAL_JSON = 64 * 1024
"""The largest ``PublicKeyCredential`` JSON a browser may post (a ``none`` attestation is ~1 KB)."""
MAX_PASSKEYS = 20
MAX_NAME = 60
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str
    name: str = "Plecak wallet"


def relying_party(public_url: str) -> RelyingParty | None:
    """The WebAuthn relying party of a wallet at ``public_url``; ``None`` where browsers refuse it.

    WebAuthn needs a secure context (https, or http on ``localhost``) and a domain name as RP id:
    an IP address such as ``127.0.0.1`` is not a valid RP id.
    """
    parts = urlsplit(public_url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    local = host == "localhost" or host.endswith(".localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        return None
    return RelyingParty(id=host, origin=f"{parts.scheme}://{parts.netloc}".lower())


def _handle(uid: str) -> bytes:
    """The WebAuthn user handle of an account: its random 128-bit id, no personal data."""
    return bytes.fromhex(uid)


def _credential(data: str) -> dict[str, Any]:
    if len(data) > MAX_CREDENTIAL_JSON:
        raise UserError("passkey.bad_response")
    try:
        value = safejson.loads(data)
    except ValueError:
        raise UserError("passkey.bad_response") from None
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not value["id"]:
        raise UserError("passkey.bad_response")
    if not isinstance(value.get("response"), dict):
        raise UserError("passkey.bad_response")
    return value


class PasskeyService:
    def __init__(
        self, store: PasskeyStore, accounts: AccountService, rp: RelyingParty | None, challenge_seconds: int
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.rp = rp
        self.challenge_seconds = challenge_seconds

    @property
    def available(self) -> bool:
        return self.rp is not None

    def _rp(self) -> RelyingParty:
        if self.rp is None:
            raise UserError("passkey.unavailable")
        return self.rp

    async def list(self, uid: str) -> list[StoredPasskey]:
        return await self.store.list(uid)

    # -- registration --------------------------------------------------------------------
    async def registration_options(self, sid: str, account: Account) -> str:
        """``PublicKeyCredentialCreationOptions`` as JSON; the challenge waits under the session."""
        rp = self._rp()
        existing = await self.store.list(account.uid)
        if len(existing) >= MAX_PASSKEYS:
            raise UserError("passkey.too_many", max=MAX_PASSKEYS)
        challenge = secrets.token_bytes(32)
        options = generate_registration_options(
            rp_id=rp.id,
            rp_name=rp.name,
            user_id=_handle(account.uid),
            user_name=account.email,
            user_display_name=account.email,
            challenge=challenge,
            timeout=self.challenge_seconds * 1000,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(
                    id=base64url_to_bytes(p["id"]),
                    transports=[AuthenticatorTransport(t) for t in p.get("transports", [])],
                )
                for p in existing
            ],
        )
        await self.store.save_ceremony(
            digest(sid),
            "register",
            {"challenge": bytes_to_base64url(challenge), "uid": account.uid},
            self.challenge_seconds,
        )
        return options_to_json(options)

    async def register(self, sid: str, account: Account, data: str, name: str) -> StoredPasskey:
        """Check the browser's answer to :meth:`registration_options` and keep the passkey."""
        ceremony = await self.store.take_ceremony(digest(sid), "register")
        if ceremony is None or ceremony.get("uid") != account.uid:
            raise UserError("passkey.expired")
        credential, verified = self._verify_new(ceremony, data)
        if await self.store.count(account.uid) >= MAX_PASSKEYS:
            raise UserError("passkey.too_many", max=MAX_PASSKEYS)
        cred = bytes_to_base64url(verified.credential_id)
        if not await self.store.claim(cred, account.uid):
            raise UserError("passkey.already_registered")
        return await self._keep(account.uid, cred, credential, verified, name)

    def _expected(self, ceremony: dict[str, Any], credential: dict[str, Any]) -> dict[str, Any]:
        """What every answer is checked against: this ceremony's challenge, our relying party and origin."""
        rp = self._rp()
        return {
            "credential": credential,
            "expected_challenge": base64url_to_bytes(ceremony["challenge"]),
            "expected_rp_id": rp.id,
            "expected_origin": rp.origin,
        }

    def _verify_new(self, ceremony: dict[str, Any], data: str) -> tuple[dict[str, Any], VerifiedRegistration]:
        self._rp()  # unavailable passkeys are said before anything about the answer
        credential = _credential(data)
        try:
            verified = verify_registration_response(**self._expected(ceremony, credential), require_user_presence=True)
        except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
            raise UserError("passkey.rejected", detail=str(exc)[:300]) from None
        if not 16 <= len(verified.credential_id) <= 1023:  # WebAuthn: at most 1023 bytes; we want 128 bits
            raise UserError("passkey.rejected", detail="credential id length")
        return credential, verified

    async def _keep(
        self, uid: str, cred: str, credential: dict[str, Any], verified: VerifiedRegistration, name: str
    ) -> StoredPasskey:
        raw = credential["response"].get("transports")
        transports = [t for t in raw if t in _TRANSPORTS] if isinstance(raw, list) else []
        clean = " ".join(name.split())[:MAX_NAME]
        record = {
            "public_key": bytes_to_base64url(verified.credential_public_key),
            "name": clean or f"Passkey {await self.store.count(uid) + 1}",
            "created": int(time.time()),
            "transports": transports,
            "aaguid": verified.aaguid,
            "backed_up": verified.credential_backed_up,
            "user_verified": verified.user_verified,
        }
        await self.store.add(uid, cred, record, verified.sign_count)
        stored = await self.store.get(uid, cred)
        assert stored is not None
        return stored

    # -- sign-up with a passkey only -----------------------------------------------------
    async def signup_options(self, sid: str, email: str) -> str:
        """Creation options for a new account that will have a passkey and no password."""
        rp = self._rp()
        email = normalise_email(email)
        if not valid_email(email):
            raise UserError("error.email_invalid")
        if await self.accounts.store.uid_for_email(digest(email)) is not None:
            raise UserError("error.email_taken")
        uid = uuid.uuid4().hex
        challenge = secrets.token_bytes(32)
        options = generate_registration_options(
            rp_id=rp.id,
            rp_name=rp.name,
            user_id=_handle(uid),
            user_name=email,
            user_display_name=email,
            challenge=challenge,
            timeout=self.challenge_seconds * 1000,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
        )
        await self.store.save_ceremony(
            digest(sid),
            "signup",
            {"challenge": bytes_to_base64url(challenge), "uid": uid, "email": email},
            self.challenge_seconds,
        )
        return options_to_json(options)

    async def sign_up(self, sid: str, data: str, name: str) -> Account:
        """Check the answer to :meth:`signup_options`; create the account and its first passkey.

        The credential id is claimed first, then the e-mail address (released claims on failure),
        then the account is written and the passkey last.
        """
        ceremony = await self.store.take_ceremony(digest(sid), "signup")
        if ceremony is None:
            raise UserError("passkey.expired")
        credential, verified = self._verify_new(ceremony, data)
        uid = str(ceremony["uid"])
        cred = bytes_to_base64url(verified.credential_id)
        if not await self.store.claim(cred, uid):
            raise UserError("passkey.already_registered")
        try:
            account = await self.accounts.create_account(uid, str(ceremony["email"]), None)
        except UserError:
            await self.store.release(cred, uid)
            raise
        await self._keep(uid, cred, credential, verified, name)
        return account

    async def remove(self, uid: str, cred: str) -> None:
        user = await self.accounts.store.get_user(uid)
        if user is None:
            raise UserError("error.no_account")
        result = await self.store.remove(uid, cred, has_password=bool(user.get("password")))
        if result == -1:
            raise NotFound("passkey.not_found")
        if result == 0:
            raise UserError("passkey.last_one")

    # -- sign-in -------------------------------------------------------------------------
    async def signin_options(self, sid: str) -> str:
        """``PublicKeyCredentialRequestOptions`` for any discoverable credential of this wallet."""
        rp = self._rp()
        challenge = secrets.token_bytes(32)
        options = generate_authentication_options(
            rp_id=rp.id,
            challenge=challenge,
            timeout=self.challenge_seconds * 1000,
            user_verification=UserVerificationRequirement.PREFERRED,
        )
        await self.store.save_ceremony(
            digest(sid),
            "signin",
            {"challenge": bytes_to_base64url(challenge), "uid": None},
            self.challenge_seconds,
        )
        return options_to_json(options)

    async def sign_in(self, sid: str, data: str, email: str, client: str) -> Account:
        """Check the browser's answer to :meth:`signin_options`; the account it signs in to."""
        self._rp()  # unavailable passkeys are said before anything about the answer
        accounts = self.accounts
        email = normalise_email(email)
        email_hash = digest(email) if email else None
        await accounts.reserve_attempt(email_hash, client)
        ceremony = await self.store.take_ceremony(digest(sid), "signin")
        try:
            if ceremony is None:
                raise UserError("passkey.expired")
            credential = _credential(data)
            cred = credential["id"]
            uid = await self.store.owner(cred) if len(cred) <= 1400 else None
            passkey = await self.store.get(uid, cred) if uid else None
            if uid is None or passkey is None:
                raise UserError("passkey.unknown")
            # WebAuthn §7.2 step 6: with an empty allowCredentials the response must carry the user
            # handle, and it must be the handle of the credential's owner.
            if credential["response"].get("userHandle") != bytes_to_base64url(_handle(uid)):
                raise UserError("passkey.unknown")
            try:
                verified = verify_authentication_response(
                    **self._expected(ceremony, credential),
                    credential_public_key=base64url_to_bytes(passkey["public_key"]),
                    credential_current_sign_count=passkey["sign_count"],
                )
            except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
                raise UserError("passkey.rejected", detail=str(exc)[:300]) from None
            account = await accounts.account(uid)
            if account is None:
                raise UserError("passkey.unknown")
            if email and account.email != email:
                raise UserError("error.signin_failed")
            if not await self.store.use(
                uid, cred, passkey["sign_count"], verified.new_sign_count, int(time.time())
            ):
                raise UserError("passkey.rejected", detail="the signature counter changed meanwhile")
        except UserError:
            await accounts.attempt_failed(email_hash)
            raise
        await accounts.attempt_succeeded(email_hash, client)
        return account
