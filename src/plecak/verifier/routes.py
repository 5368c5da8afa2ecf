"""URL map of the verifier service."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.assets import add_static_routes

from . import handlers, pages, request_pages, upload_pages

__all__ = ["setup_routes"]


def setup_routes(app: web.Application) -> None:
    r = app.router
    # employer pages
    r.add_get("/", pages.home)
    r.add_get("/lang/{lang}", pages.set_language)
    r.add_get("/verify", pages.verify_link)
    r.add_post("/verify", pages.verify_paste)
    r.add_post("/verify/upload", upload_pages.verify_upload)
    r.add_post("/scan/frame", upload_pages.scan_frame)  # camera frames of browsers without BarcodeDetector
    r.add_get("/results/{result_id}", pages.result_page)
    r.add_get("/results/{result_id}/report.json", pages.result_report)
    r.add_post("/requests", request_pages.create_request)
    r.add_get("/requests/{tx}", request_pages.request_page)
    r.add_get("/requests/{tx}/status", handlers.request_status)
    add_static_routes(r, __file__)
    # OpenID4VP (the wallet's side)
    r.add_get("/openid4vp/request/{rid}", handlers.openid4vp_request)
    r.add_post("/openid4vp/request/{rid}", handlers.openid4vp_request)
    r.add_post("/openid4vp/response/{rid}", handlers.openid4vp_response)
    r.add_get("/openid4vp/done/{rid}", request_pages.request_done)
    # W3C VC-API
    r.add_post("/credentials/verify", handlers.verify_credential)
    r.add_post("/presentations/verify", handlers.verify_presentation)
    # trust registry (admin, bearer token)
    r.add_get("/api/trusted-issuers", handlers.list_trusted_issuers)
    r.add_get("/api/trusted-issuers/{did}", handlers.get_trusted_issuer)
    r.add_put("/api/trusted-issuers/{did}", handlers.put_trusted_issuer)
    r.add_delete("/api/trusted-issuers/{did}", handlers.delete_trusted_issuer)
    r.add_get("/health", handlers.health)
