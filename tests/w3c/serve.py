"""Run our issuer and verifier over https on loopback for the W3C VC test suites.

    .venv/bin/python tests/w3c/serve.py WORK_DIR [--issuer-port 40443] [--verifier-port 40444]

Starts an embedded Redis (data in WORK_DIR/redis), makes a self-signed certificate for localhost
and 127.0.0.1 (WORK_DIR/cert.pem, key.pem; ``cryptography``), and serves the issuer
(``PLECAK_ISSUER_DID_METHOD=key``: its issuer ids are did:keys, as the suites need) and the verifier
with that certificate. The verifier trusts the certificate (``SSL_CERT_FILE``) and may fetch from
the issuer's loopback address (``insecure_hosts``), so it can dereference the https status lists.
When both answer, WORK_DIR/runtime.json holds the URLs and the issuer's did:keys for the
localConfig.cjs files next to this script. Stops on SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
from pathlib import Path
from typing import Any

ADMIN_TOKEN = "w3c-suites-admin-token-not-secret"


def make_certificate(work: Path) -> tuple[Path, Path]:
    """WORK/cert.pem and key.pem for localhost and 127.0.0.1, valid for a week."""
    tests = str(Path(__file__).resolve().parent.parent)
    if tests not in sys.path:  # run as a script: tests/ (home of `support`) is not on the path yet
        sys.path.insert(0, tests)
    from support.tls import loopback_certificate

    return loopback_certificate(work, days=7)


async def serve(work: Path, cert: Path, key: Path, issuer_port: int, verifier_port: int) -> None:
    # aiohttp builds its default client TLS context when imported: trust our certificate first.
    from aiohttp import web

    from plecak.issuer.app import create_app as create_issuer
    from plecak.issuer.app_keys import SERVICE
    from plecak.issuer.config import Settings as IssuerSettings
    from plecak.runtime.redis_embedded import EmbeddedRedis
    from plecak.verifier.app import create_app as create_verifier
    from plecak.verifier.config import Settings as VerifierSettings

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    redis = EmbeddedRedis(work / "redis")
    redis_url = redis.start()
    runners: list[web.AppRunner] = []
    try:
        issuer_url = f"https://127.0.0.1:{issuer_port}"
        verifier_url = f"https://127.0.0.1:{verifier_port}"
        issuer_app = create_issuer(
            IssuerSettings(
                redis_url=redis_url,
                admin_token=ADMIN_TOKEN,
                public_url=issuer_url,
                port=issuer_port,
                data_dir=work,
                did_method="key",
            )
        )
        verifier_app = create_verifier(
            VerifierSettings(
                admin_token=ADMIN_TOKEN,
                port=verifier_port,
                public_url=verifier_url,
                redis_url=redis_url,
                data_dir=work,
                insecure_hosts=frozenset({f"127.0.0.1:{issuer_port}"}),
                # Relaxed on purpose, for the suites only (docs/conformance.md lists what each one
                # covers); the defaults stay strict.
                vcapi_policy="spec",  # PLECAK_VCAPI_POLICY=spec: the vc2.0 suite's presentations
                url_issuers=True,  # PLECAK_ALLOW_URL_ISSUERS=1: the ECDSA spec vectors' URL issuers
            )
        )
        if os.environ.get("PLECAK_W3C_TRACE"):
            trace = _tracer(work / "trace.jsonl")
            issuer_app.middlewares.insert(0, trace)
            verifier_app.middlewares.insert(0, trace)
        for app, port in ((issuer_app, issuer_port), (verifier_app, verifier_port)):
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port, ssl_context=tls).start()
            runners.append(runner)
        keys = issuer_app[SERVICE].keys
        runtime = {
            "issuerUrl": issuer_url,
            "verifierUrl": verifier_url,
            "ed25519Did": keys.did,
            "p256Did": keys.ecdsa_did,
            "p384Did": keys.signers()[-1].did,
            "adminToken": ADMIN_TOKEN,
        }
        (work / "runtime.json").write_text(json.dumps(runtime, indent=2))
        print(json.dumps(runtime), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
        redis.stop()


def _tracer(path: Path) -> Any:
    """With PLECAK_W3C_TRACE=1: every request's path and the answer that left the service (refusals
    and 500s included: this middleware is the outermost), one JSON line each, to debug a suite (the
    request body is left unread: the handlers read it as a stream)."""
    from aiohttp import web  # imported late like in serve(), which has imported it already


    def write(request: Any, status: int, text: Any) -> None:
        with path.open("a", encoding="utf-8") as out:
            line = {"method": request.method, "path": request.path, "status": status, "response": text}
            out.write(json.dumps(line) + "\n")

    @web.middleware
    async def trace(request: Any, handler: Any) -> Any:
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # aiohttp's own refusals (e.g. an unknown route)
            write(request, exc.status, exc.reason)
            raise
        write(request, response.status, getattr(response, "text", None))
        return response

    return trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work_dir", type=Path)
    parser.add_argument("--issuer-port", type=int, default=23443)
    parser.add_argument("--verifier-port", type=int, default=23444)
    args = parser.parse_args()
    work = args.work_dir.absolute()
    work.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(work)
    os.environ["SSL_CERT_FILE"] = str(cert)  # the verifier's client trusts our own certificate
    asyncio.run(serve(work, cert, key, args.issuer_port, args.verifier_port))


if __name__ == "__main__":
    main()
