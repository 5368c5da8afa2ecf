"""OpenID for Verifiable Credential Issuance 1.0, wallet side, pre-authorised code flow.

1. Read the offer (``credential_offer_uri`` fetched, or ``credential_offer`` inline).
2. Read the issuer's metadata and its authorisation server's metadata (token endpoint).
3. After the learner confirms: trade the pre-authorised code (and transaction code) for an access
   token, fetch a ``c_nonce``, and ask for the credential with a key-proof JWT signed by the
   learner's holder key, so the credential is issued to the learner's ``did:key``.

Every failure is a :class:`~wallet.exceptions.UserError` naming what went wrong; the issuer's own
``error_description`` travels along as the detail.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

from plecak.core import safejson

from ..exceptions import Gone, UserError
from ..ports import FetchError, HttpClient
from ..vault import HolderKey

__all__ = ["PRE_AUTH_GRANT", "OfferPreview", "load_offer", "offer_params", "redeem"]

PRE_AUTH_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
SUPPORTED_FORMATS = ("ldp_vc", "dc+sd-jwt")
OFFER_SCHEME = "openid-credential-offer://"


@dataclass
class OfferPreview:
    """What the learner is shown before accepting, and what the flow needs afterwards."""

    credential_issuer: str
    issuer_name: str
    configuration_id: str
    credential_name: str
    pre_authorized_code: str
    tx_code: dict[str, Any] | None
    token_endpoint: str
    credential_endpoint: str
    nonce_endpoint: str | None
    proof_alg: str = "EdDSA"
    """``EdDSA``: the Ed25519 key as ``kid`` = ``did:key``; ``ES256``: the P-256 key as a ``jwk``
    header (SD-JWT VC issuers that announce that binding, EUDI-style)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OfferPreview:
        values: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__}
        values["proof_alg"] = values.get("proof_alg") or "EdDSA"
        return cls(**values)


def _proof_alg(config: Mapping[str, Any]) -> str:
    """How to prove the holder key, from what the configuration announces: a P-256 ``jwk`` with
    ES256 for an SD-JWT VC when offered, else the Ed25519 ``did:key`` with EdDSA."""
    methods = config.get("cryptographic_binding_methods_supported")
    types = config.get("proof_types_supported")
    jwt_type = types.get("jwt") if isinstance(types, Mapping) else None
    algs = jwt_type.get("proof_signing_alg_values_supported") if isinstance(jwt_type, Mapping) else None
    if not isinstance(methods, list) or not isinstance(algs, list):
        return "EdDSA"  # nothing announced: our own default
    if config.get("format") == "dc+sd-jwt" and "jwk" in methods and "ES256" in algs:
        return "ES256"
    if "EdDSA" in algs and "did:key" in methods:
        return "EdDSA"
    raise UserError("offer.unsupported", detail="no key proof this wallet can make (EdDSA did:key or ES256 jwk)")


def offer_params(text: str) -> dict[str, str]:
    """The offer parameters in a pasted link: ``openid-credential-offer://?…``, a wallet link
    ``https://…/receive?credential_offer_uri=…``, or the offer JSON itself."""
    text = text.strip()
    if text.startswith("{"):
        return {"credential_offer": text}
    query = urlsplit(text).query if "?" in text else ""
    values = parse_qs(query)
    for name in ("credential_offer_uri", "credential_offer"):
        if values.get(name):
            return {name: values[name][0]}
    raise UserError("offer.bad_link")


def _well_known(base: str, name: str) -> str:
    """RFC 8414 / OpenID4VCI: the well-known segment goes between the host and any path."""
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{path}"


def _display_name(displays: Any, lang: str) -> str | None:
    if not isinstance(displays, list):
        return None
    named = [d for d in displays if isinstance(d, Mapping) and isinstance(d.get("name"), str)]
    for d in named:
        if str(d.get("locale", "")).split("-")[0] == lang:
            return str(d["name"])
    return str(named[0]["name"]) if named else None


async def _json(http: HttpClient, url: str, failure: str) -> Any:
    try:
        return await http.get_json(url)
    except FetchError as exc:
        raise UserError(failure, detail=str(exc)) from None


# long: one check per OpenID4VCI offer rule (offer, grant, metadata, configuration), each with its own refusal
async def load_offer(http: HttpClient, params: Mapping[str, str], lang: str = "en") -> OfferPreview:
    """Read and check an offer and the issuer's metadata (nothing is redeemed yet)."""
    offer: Any
    if params.get("credential_offer_uri"):
        uri = params["credential_offer_uri"]
        try:
            http.check_url(uri)
            reply = await http.get(uri)
        except FetchError as exc:
            raise UserError("offer.unreachable", detail=str(exc)) from None
        if reply.status in (404, 410):
            detail = reply.body.get("error_description") if isinstance(reply.body, Mapping) else None
            raise Gone("offer.gone", detail=detail)
        if reply.status != 200 or not isinstance(reply.body, Mapping):
            raise UserError("offer.unreachable", detail=f"{uri} answered HTTP {reply.status}")
        offer = reply.body
    elif params.get("credential_offer"):
        try:
            offer = safejson.loads(params["credential_offer"])
        except ValueError:
            raise UserError("offer.invalid", detail="the inline credential_offer is not JSON") from None
    else:
        raise UserError("offer.bad_link")
    if not isinstance(offer, Mapping):
        raise UserError("offer.invalid", detail="the offer is not a JSON object")
    issuer = offer.get("credential_issuer")
    try:
        issuer = http.check_url(issuer).rstrip("/")
    except FetchError as exc:
        raise UserError("offer.invalid", detail=f"credential_issuer: {exc}") from None
    ids = offer.get("credential_configuration_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise UserError("offer.invalid", detail="credential_configuration_ids is missing")
    grants = offer.get("grants")
    grant = grants.get(PRE_AUTH_GRANT) if isinstance(grants, Mapping) else None
    if not isinstance(grant, Mapping) or not isinstance(grant.get("pre-authorized_code"), str):
        raise UserError("offer.no_pre_authorized_code")
    tx_code = grant.get("tx_code")
    if tx_code is not None and not isinstance(tx_code, Mapping):
        raise UserError("offer.invalid", detail="tx_code must be an object")

    metadata = await _json(http, _well_known(issuer, "openid-credential-issuer"), "offer.metadata")
    if not isinstance(metadata, Mapping) or str(metadata.get("credential_issuer", "")).rstrip("/") != issuer:
        raise UserError("offer.metadata", detail="the metadata names another credential issuer")
    configs = metadata.get("credential_configurations_supported")
    config = configs.get(ids[0]) if isinstance(configs, Mapping) else None
    if not isinstance(config, Mapping) or config.get("format") not in SUPPORTED_FORMATS:
        raise UserError("offer.unsupported", detail=f"{ids[0]} ({SUPPORTED_FORMATS[0]} is supported)")
    servers = metadata.get("authorization_servers")
    server = servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], str) else issuer
    as_metadata = await _json(
        http, _well_known(http.check_url(server), "oauth-authorization-server"), "offer.metadata"
    )
    token_endpoint = as_metadata.get("token_endpoint") if isinstance(as_metadata, Mapping) else None
    try:
        token_endpoint = http.check_url(token_endpoint)
        credential_endpoint = http.check_url(metadata.get("credential_endpoint"))
        nonce = metadata.get("nonce_endpoint")
        nonce_endpoint = http.check_url(nonce) if nonce is not None else None
    except FetchError as exc:
        raise UserError("offer.metadata", detail=str(exc)) from None
    credential_metadata = config.get("credential_metadata")
    display = config.get("display") or (
        credential_metadata.get("display") if isinstance(credential_metadata, Mapping) else None
    )
    return OfferPreview(
        credential_issuer=issuer,
        issuer_name=_display_name(metadata.get("display"), lang) or urlsplit(issuer).netloc,
        configuration_id=ids[0],
        credential_name=_display_name(display, lang) or ids[0],
        pre_authorized_code=str(grant["pre-authorized_code"]),
        tx_code=dict(tx_code) if isinstance(tx_code, Mapping) else None,
        token_endpoint=token_endpoint,
        credential_endpoint=credential_endpoint,
        nonce_endpoint=nonce_endpoint,
        proof_alg=_proof_alg(config),
    )


def _oauth_error(body: Any) -> tuple[str | None, str | None]:
    if not isinstance(body, Mapping):
        return None, None
    code = body.get("error")
    description = body.get("error_description")
    return (
        str(code) if isinstance(code, str) else None,
        str(description) if isinstance(description, str) else None,
    )


def key_proof(holder: HolderKey, audience: str, nonce: str | None, alg: str = "EdDSA") -> str:
    """The OpenID4VCI key-proof JWT: proves the wallet holds the key the credential is bound to."""
    payload: dict[str, Any] = {"aud": audience, "iat": int(time.time())}
    if nonce is not None:
        payload["nonce"] = nonce
    if alg == "ES256":
        assert holder.p256.private_key is not None
        return jwt.encode(
            payload,
            holder.p256.private_key,
            algorithm="ES256",
            headers={"typ": PROOF_TYP, "jwk": holder.p256.public_jwk()},
        )
    assert holder.pair.private_key is not None
    return jwt.encode(
        payload,
        holder.pair.private_key,
        algorithm="EdDSA",
        headers={"typ": PROOF_TYP, "kid": holder.verification_method},
    )


async def redeem(http: HttpClient, offer: OfferPreview, holder: HolderKey, tx_code: str | None) -> Any:
    """Run the flow and return the credential the issuer signed (not yet verified)."""
    if offer.tx_code is not None and not tx_code:
        raise UserError("offer.tx_code_missing")
    form = {"grant_type": PRE_AUTH_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    if offer.tx_code is not None and tx_code:
        form["tx_code"] = tx_code
    try:
        reply = await http.post(offer.token_endpoint, form=form)
        if reply.status != 200 or not isinstance(reply.body, Mapping) or "access_token" not in reply.body:
            code, description = _oauth_error(reply.body)
            key = "offer.invalid_grant" if code == "invalid_grant" else "offer.token_failed"
            raise UserError(key, detail=description or f"HTTP {reply.status}")
        token = str(reply.body["access_token"])
        c_nonce = reply.body.get("c_nonce")
        if offer.nonce_endpoint:
            nonce_reply = await http.post(offer.nonce_endpoint)
            if nonce_reply.status != 200 or not isinstance(nonce_reply.body, Mapping):
                raise UserError(
                    "offer.credential_failed", detail=f"nonce endpoint: HTTP {nonce_reply.status}"
                )
            c_nonce = nonce_reply.body.get("c_nonce")
        request = {
            "credential_configuration_id": offer.configuration_id,
            "proofs": {
                "jwt": [
                    key_proof(
                        holder,
                        offer.credential_issuer,
                        c_nonce if isinstance(c_nonce, str) else None,
                        offer.proof_alg,
                    )
                ]
            },
        }
        reply = await http.post(
            offer.credential_endpoint, json_body=request, headers={"Authorization": f"Bearer {token}"}
        )
    except FetchError as exc:
        raise UserError("offer.unreachable", detail=str(exc)) from None
    if reply.status != 200 or not isinstance(reply.body, Mapping):
        code, description = _oauth_error(reply.body)
        raise UserError("offer.credential_failed", detail=description or code or f"HTTP {reply.status}")
    credentials = reply.body.get("credentials")
    if isinstance(credentials, list) and credentials and isinstance(credentials[0], Mapping):
        return credentials[0].get("credential")
    if "credential" in reply.body:  # pre-1.0 drafts
        return reply.body["credential"]
    raise UserError("offer.credential_failed", detail="the answer holds no credential")
