"""A third-party wallet library answers our verifier's OpenID4VP 1.0 requests.

Our issuer and verifier run on loopback, the verifier over https as ``https://localhost:PORT``. The
employer asks for a micro-credential on the verifier's page; the OpenWallet Foundation's
``@openid4vc/openid4vp`` (pinned in ``oid4vp_peer/package.json``) parses the QR link, fetches the
request from ``request_uri`` (``request_uri_method=post``), verifies the signed Request Object
against its client identifier prefix (``x509_san_dns``: the certificate's SAN is the client id and the
response host; ``decentralized_identifier``: the verifier's did:key), and posts the answer the test
made with the learner's key (``direct_post``, or encrypted with ``direct_post.jwt``). Our verifier
then shows the answer as verified. Any error the library reports fails the test.
"""

from __future__ import annotations

import datetime
import json
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.oid4vp.jar import self_signed_certificate
from plecak.core.sdjwt import present
from plecak.issuer.app import create_app as create_issuer
from plecak.verifier.app import create_app as create_verifier
from support.issuer import AUTH, achievement, issuer_settings, profile
from support.oid4vp_peer import PeerError, run_peer
from support.openid4vp import ask, result
from support.ports import Listener
from support.sdjwt import issue_over_oid4vci
from support.tls import loopback_certificate, server_tls
from support.verifier import Holder, Stack, verifier_settings

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def https_stack(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
    **verifier_overrides: Any,
) -> tuple[Stack, Path]:
    """Issuer (loopback http) and verifier (https://localhost:PORT); the TLS certificate to trust."""
    issuer_port_listener = Listener()
    issuer_port = issuer_port_listener.port
    issuer_url = f"http://127.0.0.1:{issuer_port}"
    issuer = await aiohttp_client(
        await aiohttp_server(
            create_issuer(issuer_settings(redis_url, tmp_path, public_url=issuer_url)), listener=issuer_port_listener)
    )
    assert (await issuer.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    resp = await issuer.post("/api/achievements", json=achievement(0), headers=AUTH)
    assert resp.status == 201, await resp.text()
    record = await resp.json()
    did = (await (await issuer.get("/.well-known/did.json")).json())["id"]

    cert, key = loopback_certificate(tmp_path, prefix="tls-")
    client_tls = ssl.create_default_context(cafile=str(cert))
    port_listener = Listener()
    port = port_listener.port
    settings = verifier_settings(
        redis_url,
        port,
        {f"127.0.0.1:{issuer_port}"},
        public_url=f"https://localhost:{port}",
        data_dir=tmp_path / "verifier",
        **verifier_overrides,
    )
    server = await aiohttp_server(create_verifier(settings), listener=port_listener, ssl=server_tls(cert, key))
    verifier = await aiohttp_client(server, connector=aiohttp.TCPConnector(ssl=client_tls))
    stack = Stack(issuer, verifier, issuer_url, f"https://localhost:{port}", did, record["uuid"], record["id"])
    await stack.trust()
    return stack, cert


async def answer_with_the_peer(stack: Stack, tmp_path: Path, cert: Path, link: str) -> dict[str, Any]:
    """The peer resolves the request; the learner's presentation for it is posted by the peer."""
    env = {"NODE_EXTRA_CA_CERTS": str(cert)}
    resolved = await run_peer("wallet.mjs", "resolve", link, env=env)
    payload = resolved["payload"]
    holder = Holder()
    vp = holder.present([await stack.issue(did=holder.did)], challenge=payload["nonce"], domain=payload["client_id"])
    token_file = tmp_path / "vp_token.json"
    token_file.write_text(json.dumps({"micro_credential": [vp]}))
    answered = await run_peer("wallet.mjs", "respond", link, str(token_file), env=env)
    return {"resolved": resolved, "answered": answered}


async def test_third_party_wallet_resolves_an_x509_san_dns_request_and_our_verifier_verifies_its_answer(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack, cert = await https_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    request = await ask(stack)
    assert request.client_id == "x509_san_dns:localhost"
    outcome = await answer_with_the_peer(stack, tmp_path, cert, request.link)
    resolved = outcome["resolved"]
    assert resolved["client"]["prefix"] == "x509_san_dns"
    assert resolved["client"]["identifier"] == "localhost"
    assert resolved["jar"]["sendBy"] == "reference"
    assert resolved["jar"]["header"]["alg"] == "ES256"
    assert resolved["jar"]["header"]["typ"] == "oauth-authz-req+jwt"
    # (the link says request_uri_method=post; oid4vc-ts 0.4.6 POSTs its wallet metadata but not
    # wallet_nonce, so the request object carries none)
    assert resolved["version"] == 100  # OpenID4VP 1.0 final
    assert resolved["dcql"]["query"]["credentials"][0]["id"] == "micro_credential"
    answered = outcome["answered"]
    assert answered["status"] == 200
    assert answered["responseMode"] == "direct_post"
    assert not answered["encrypted"]
    assert answered["body"]["redirect_uri"].startswith(f"{stack.verifier_url}/openid4vp/done/")
    verdict, _ = await result(stack, request)
    assert verdict == "verified"


async def test_third_party_wallet_resolves_a_did_signed_request_and_answers_encrypted(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack, cert = await https_stack(
        aiohttp_server,
        aiohttp_client,
        redis_url,
        tmp_path,
        oid4vp_client_id_prefix="decentralized_identifier",
        oid4vp_response_mode="direct_post.jwt",
    )
    request = await ask(stack)
    assert request.client_id.startswith("decentralized_identifier:did:key:zDn")
    outcome = await answer_with_the_peer(stack, tmp_path, cert, request.link)
    resolved = outcome["resolved"]
    assert resolved["client"]["prefix"] == "decentralized_identifier"
    assert resolved["client"]["didUrl"].split("#")[0] == request.client_id.removeprefix("decentralized_identifier:")
    assert resolved["payload"]["response_mode"] == "direct_post.jwt"
    assert resolved["payload"]["client_metadata"]["jwks"]["keys"][0]["alg"] == "ECDH-ES"
    answered = outcome["answered"]
    assert answered["status"] == 200
    assert answered["encrypted"]
    assert answered["responseMode"] == "direct_post.jwt"
    verdict, _ = await result(stack, request)
    assert verdict == "verified"


async def test_third_party_wallet_answers_an_sd_jwt_request_encrypted_and_our_verifier_verifies_it(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack, cert = await https_stack(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, oid4vp_response_mode="direct_post.jwt"
    )
    holder = Ed25519KeyPair.generate()
    _, sd_jwt = await issue_over_oid4vci(stack.issuer, stack.issuer_url, stack.achievement_uuid, holder)
    request = await ask(stack, format="dc+sd-jwt", claim_name="1")
    env = {"NODE_EXTRA_CA_CERTS": str(cert)}
    resolved = await run_peer("wallet.mjs", "resolve", request.link, env=env)
    payload = resolved["payload"]
    assert resolved["client"]["prefix"] == "x509_san_dns"
    query = resolved["dcql"]["query"]["credentials"][0]
    assert query["format"] == "dc+sd-jwt"
    assert ["name"] in [c["path"] for c in query["claims"]]
    formats = payload["client_metadata"]["vp_formats_supported"]["dc+sd-jwt"]
    assert formats == {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["EdDSA", "ES256"]}
    shown = present(sd_jwt, ["name"], holder_key=holder, nonce=payload["nonce"], audience=payload["client_id"])
    token_file = tmp_path / "vp_token.json"
    token_file.write_text(json.dumps({"micro_credential": [shown]}))
    answered = await run_peer("wallet.mjs", "respond", request.link, str(token_file), env=env)
    assert answered["status"] == 200
    assert answered["encrypted"]
    verdict, page = await result(stack, request)
    assert verdict == "verified", page[:2000]


async def test_third_party_wallet_refuses_a_certificate_for_another_host(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    """A verifier configured with a certificate for another name: the peer library refuses the request
    (the negative case proves the library really checks what the positive ones rely on)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "verifier.example", name="Elsewhere", now=datetime.datetime.now(datetime.UTC))
    (tmp_path / "other-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "other-key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    stack, tls = await https_stack(
        aiohttp_server,
        aiohttp_client,
        redis_url,
        tmp_path,
        oid4vp_certificate_file=tmp_path / "other-cert.pem",
        oid4vp_key_file=tmp_path / "other-key.pem",
    )
    request = await ask(stack)
    with pytest.raises(PeerError, match="san dns names"):
        await run_peer("wallet.mjs", "resolve", request.link, env={"NODE_EXTRA_CA_CERTS": str(tls)})
