"""Accounts, sessions, CSRF tokens and sign-in rate limits (no aiohttp here).

* Passwords are hashed with argon2id (``argon2-cffi``); hashes are upgraded when the parameters change.
* A session id is 256 random bits, kept by the browser in an HttpOnly cookie; Redis keeps only its
  SHA-256, so a Redis dump does not hand out live sessions. Signing in replaces the session
  (no fixation).
* Each session carries a CSRF token (synchronizer token pattern): every form posts it back.
* Sign-in attempts are limited in fixed windows, and each limit is taken atomically (Redis INCR)
  *before* a password is evaluated, so concurrent guesses cannot slip past it:

  - per client address: all attempts (``per_ip``);
  - per e-mail address *and* client address: attempts since the last success (``per_email``), so
    someone else's failures never lock the owner out of their account from their own address;
  - per e-mail address over all clients: once ``per_email_total`` failures are counted, attempts
    are evaluated at most once every ``throttle_seconds`` (a delay, not a lock-out).

* argon2 hashing runs in a small thread pool (argon2-cffi releases the GIL), never on the event
  loop: sign-ups and sign-ins do not stall other requests. Its queue is bounded too: when it is
  full, a sign-up or sign-in is refused at once (:class:`Busy`, 503) *before* any attempt is
  counted or any account is looked up, so the answer is the same for every e-mail address and a
  refused attempt never counts towards a limit.
"""

from __future__ import annotations

import contextlib
import hmac
import math
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from plecak.runtime.workers import BoundedWorkers, Reservation, WorkersBusy

from .exceptions import Busy, RateLimited, UserError
from .store import WalletStore, digest
from .vault import HolderKey, Vault

__all__ = ["Account", "AccountService", "Session", "normalise_email", "valid_email"]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")


def normalise_email(value: str) -> str:
    return value.strip().lower()


def valid_email(value: str) -> bool:
    """Whether a normalised address looks like ``name@example.org``."""
    return bool(_EMAIL.match(value))


@dataclass
class Account:
    uid: str
    email: str
    did: str
    lang: str | None = None


@dataclass
class Session:
    """A browser session: anonymous (``uid`` is ``None``) or signed in."""

    sid: str
    uid: str | None
    csrf: str
    created: float
    flash: list[dict[str, Any]] = field(default_factory=list)
    is_new: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "csrf": self.csrf, "created": self.created, "flash": self.flash}

    def csrf_ok(self, presented: str | None) -> bool:
        if not presented:
            return False
        return hmac.compare_digest(presented.encode(), self.csrf.encode())


class AccountService:
    def __init__(
        self,
        store: WalletStore,
        vault: Vault,
        *,
        session_seconds: int,
        anonymous_session_seconds: int,
        time_cost: int,
        memory_kib: int,
        window_seconds: int,
        per_email: int,
        per_ip: int,
        per_email_total: int | None = None,
        throttle_seconds: float = 5.0,
        hash_workers: int = 2,
        hash_waiting: int = 8,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.vault = vault
        self.session_seconds = session_seconds
        self.anonymous_session_seconds = anonymous_session_seconds
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self.window = window_seconds
        self.per_email = per_email
        self.per_ip = per_ip
        self.per_email_total = per_email_total if per_email_total is not None else 10 * per_email
        self.throttle_seconds = throttle_seconds
        self.clock = clock
        # Bounded: at most ``hash_workers`` hashes (each memory_kib of RAM) run at once, at most
        # ``hash_waiting`` more wait; one more is refused at once.
        self.hashing = BoundedWorkers(hash_workers, hash_waiting, name="argon2")
        # A hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    def close(self) -> None:
        """Stop the hashing threads (after the last request)."""
        self.hashing.close()

    def hashing_place(self) -> Reservation:
        """A place in the hashing threads, taken now; :class:`Busy` at once when they are full."""
        try:
            return self.hashing.reserve()
        except WorkersBusy:
            raise Busy("error.accounts_busy") from None

    async def hash_password(self, password: str) -> str:
        """The argon2id hash of ``password``, computed off the event loop (:class:`Busy` when full)."""
        with self.hashing_place() as place:
            return await place.run(self.hasher.hash, password)

    async def password_matches(self, stored_hash: str, password: str, place: Reservation) -> bool:
        """Whether ``password`` matches ``stored_hash``, checked off the event loop in ``place``."""

        def check() -> bool:
            try:
                return self.hasher.verify(stored_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return await place.run(check)

    # -- sign-in limits -------------------------------------------------------------------
    def _pair(self, email_hash: str, client: str) -> str:
        return digest(f"{email_hash}\n{client}")

    async def reserve_attempt(self, email_hash: str | None, client: str) -> None:
        """Count one sign-in attempt before it is evaluated; :class:`RateLimited` if over a limit."""
        minutes = max(1, self.window // 60)
        if await self.store.hit("ip", client, self.window) > self.per_ip:
            raise RateLimited("error.too_many_attempts", minutes=minutes)
        if email_hash is None:
            return
        if await self.store.hit("pair", self._pair(email_hash, client), self.window) > self.per_email:
            raise RateLimited("error.too_many_attempts", minutes=minutes)
        if await self.store.hits("email", email_hash) >= self.per_email_total:
            wait = await self.store.take_slot(email_hash, self.clock(), self.throttle_seconds, self.window)
            if wait > 0:
                raise RateLimited("error.signin_throttled", seconds=math.ceil(wait))

    async def attempt_failed(self, email_hash: str | None) -> None:
        if email_hash is not None:
            await self.store.hit("email", email_hash, self.window)

    async def attempt_succeeded(self, email_hash: str | None, client: str) -> None:
        if email_hash is not None:
            await self.store.clear_hits("pair", self._pair(email_hash, client))

    # -- accounts ------------------------------------------------------------------------
    async def sign_up(self, email: str, password: str, password_again: str) -> Account:
        email = normalise_email(email)
        if not _EMAIL.match(email):
            raise UserError("error.email_invalid")
        if len(password) < MIN_PASSWORD:
            raise UserError("error.password_short", min=MIN_PASSWORD)
        if len(password) > MAX_PASSWORD:
            raise UserError("error.password_long", max=MAX_PASSWORD)
        if password != password_again:
            raise UserError("error.password_mismatch")
        return await self.create_account(uuid.uuid4().hex, email, await self.hash_password(password))

    async def create_account(self, uid: str, email: str, password_hash: str | None) -> Account:
        """Claim ``email`` for ``uid`` and write the account with a new holder key.

        ``password_hash`` is ``None`` for an account that signs in with passkeys only.
        """
        email = normalise_email(email)
        if not _EMAIL.match(email):
            raise UserError("error.email_invalid")
        if not await self.store.claim_email(digest(email), uid):
            raise UserError("error.email_taken")
        key = HolderKey.generate()
        fields = {
            "email": email,
            "did": key.did,
            "key": self.vault.seal_key(uid, key).hex(),
            "created": str(int(time.time())),
        }
        if password_hash is not None:
            fields["password"] = password_hash
        await self.store.save_user(uid, fields)
        return Account(uid, email, key.did)

    async def sign_in(self, email: str, password: str, client: str) -> Account:
        email = normalise_email(email)
        email_hash = digest(email)
        # Room to check the password first: when the threads are full nothing is counted or read.
        with self.hashing_place() as place:
            await self.reserve_attempt(email_hash, client)
            uid = await self.store.uid_for_email(email_hash)
            user = await self.store.get_user(uid) if uid else None
            # A passkey-only account has no password: it is checked against the dummy hash and fails.
            stored_hash = (user or {}).get("password") or self._dummy_hash
            ok = await self.password_matches(stored_hash, password, place)
        ok = ok and user is not None and bool(user.get("password"))
        if not ok or uid is None or user is None:
            await self.attempt_failed(email_hash)
            raise UserError("error.signin_failed")
        await self.attempt_succeeded(email_hash, client)
        if self.hasher.check_needs_rehash(stored_hash):
            with contextlib.suppress(Busy):  # when the threads are full: upgraded at a later sign-in
                await self.store.set_user_field(uid, "password", await self.hash_password(password))
        return Account(uid, user["email"], user["did"], user.get("lang"))

    async def account(self, uid: str) -> Account | None:
        user = await self.store.get_user(uid)
        if user is None:
            return None
        return Account(uid, user["email"], user["did"], user.get("lang"))

    async def holder_key(self, uid: str) -> HolderKey:
        user = await self.store.get_user(uid)
        if user is None:
            raise UserError("error.no_account")
        return self.vault.open_key(uid, bytes.fromhex(user["key"]))

    # -- sessions ------------------------------------------------------------------------
    def new_session(self, uid: str | None = None) -> Session:
        return Session(
            sid=secrets.token_urlsafe(32),
            uid=uid,
            csrf=secrets.token_urlsafe(32),
            created=time.time(),
            is_new=True,
        )

    def ttl(self, session: Session) -> int:
        return self.session_seconds if session.uid else self.anonymous_session_seconds

    async def save_session(self, session: Session) -> None:
        await self.store.save_session(digest(session.sid), session.to_json(), self.ttl(session))

    async def load_session(self, sid: str | None) -> Session | None:
        if not sid or len(sid) > 128:
            return None
        data = await self.store.get_session(digest(sid))
        if data is None:
            return None
        return Session(
            sid=sid,
            uid=data.get("uid"),
            csrf=str(data["csrf"]),
            created=float(data.get("created", 0)),
            flash=list(data.get("flash") or []),
        )

    async def update_session(self, session: Session) -> None:
        await self.store.update_session(digest(session.sid), session.to_json())

    async def start_session(self, old: Session | None, uid: str | None) -> Session:
        """A fresh session (new id and CSRF token) replacing ``old``: at sign-in and sign-out."""
        if old is not None:
            await self.store.delete_session(digest(old.sid))
        session = self.new_session(uid)
        await self.save_session(session)
        return session

    async def end_session(self, session: Session) -> None:
        await self.store.delete_session(digest(session.sid))
