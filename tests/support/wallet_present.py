"""A verifier that follows the presentation contract, for the wallet's presentation tests."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web

from plecak.core.did import DidResolver
from plecak.core.verify.credential import Verifier
from plecak.core.verify.presentation import verify_presentation
from support.wallet import Servers

OB_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"


@dataclass
class ContractVerifier:
    url: str
    issuer_host: str
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: list[dict[str, Any]] = field(default_factory=list)
    accepts: list[str] = field(default_factory=list)
    """The Accept header of every request-object fetch."""

    def ask(self, dcql: dict[str, Any]) -> str:
        rid = secrets.token_urlsafe(8)
        response_uri = f"{self.url}/response/{rid}"
        self.requests[rid] = {
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "response_uri": response_uri,
            "client_id": "redirect_uri:" + response_uri,
            "nonce": secrets.token_urlsafe(16),
            "state": secrets.token_urlsafe(16),
            "dcql_query": dcql,
        }
        query = {"client_id": "redirect_uri:" + response_uri, "request_uri": f"{self.url}/request/{rid}"}
        return "openid4vp://?" + urlencode(query)

    async def request_object(self, request: web.Request) -> web.Response:
        self.accepts.append(request.headers.get("Accept", ""))
        return web.json_response(self.requests[request.match_info["rid"]])

    async def response(self, request: web.Request) -> web.Response:
        req = self.requests[request.match_info["rid"]]
        form = await request.post()
        if form.get("state") != req["state"]:
            return web.json_response({"error": "invalid_request", "error_description": "state"}, status=400)
        if "error" in form:
            self.answers.append({"declined": form["error"]})
            return web.json_response({})
        token = json.loads(str(form["vp_token"]))
        verifier = Verifier(DidResolver(insecure_hosts={self.issuer_host}))
        results = {}
        for query_id, presentations in token.items():
            result = await verify_presentation(
                presentations[0],
                verifier,
                challenge=req["nonce"],
                domain=req["client_id"],
                require_holder_proof=True,
            )
            results[query_id] = result
        self.answers.append({"token": token, "verified": {k: r.verified for k, r in results.items()}})
        if not all(r.verified for r in results.values()):
            description = json.dumps([r.to_json()["errors"] for r in results.values()])
            return web.json_response(
                {"error": "invalid_presentation", "error_description": description}, status=400
            )
        return web.json_response({"redirect_uri": f"{self.url}/done/{request.match_info['rid']}"})


@pytest.fixture
async def verifier(servers: Servers) -> AsyncIterator[ContractVerifier]:
    double = ContractVerifier(servers.spare.url, servers.issuer.url.removeprefix("http://"))
    app = web.Application()
    app.router.add_get("/request/{rid}", double.request_object)
    app.router.add_post("/response/{rid}", double.response)
    server = servers.spare.server(app)
    await server.start_server()
    yield double
    await server.close()
