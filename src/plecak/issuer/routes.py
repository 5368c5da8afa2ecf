"""URL map of the issuer service."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.serve import add_service_routes

from . import handlers, link_handlers, pathway_handlers
from .sdjwt_type_metadata import TYPE_METADATA_PATH

__all__ = ["setup_routes"]


def setup_routes(app: web.Application) -> None:
    add_service_routes(app, __file__, (), health=handlers.health, set_language=handlers.set_language)
    _add_public_routes(app.router)
    _add_admin_routes(app.router)


def _add_public_routes(r: web.UrlDispatcher) -> None:
    """Pages (the registrar screens fetch their data from the admin API), documents and protocol endpoints."""
    r.add_get("/", handlers.home)
    r.add_get("/admin", handlers.admin_page)
    # registrar screens: HTML only, every datum is fetched from the admin API with the bearer token
    r.add_get("/admin/achievements", handlers.admin_achievements_page)
    r.add_get("/admin/achievements/new", handlers.admin_achievements_page)
    r.add_get("/admin/achievements/{uuid}/edit", handlers.admin_achievements_page)
    r.add_get("/admin/credentials", handlers.admin_credentials_page)
    for base in ("/admin/pathways", "/admin/programmes"):  # programmes: the older name, kept working
        r.add_get(base, handlers.admin_pathways_page)
        r.add_get(base + "/new", handlers.admin_pathways_page)
        r.add_get(base + "/{uuid}/edit", handlers.admin_pathways_page)
    r.add_get("/.well-known/did.json", handlers.did_document)
    r.add_get("/did.json", handlers.did_document)
    r.add_get("/contexts/plecak/mc/v1", handlers.extension_context)
    # SD-JWT VC: issuer metadata (keys for verifiers that do not speak DIDs) and type metadata
    r.add_get("/.well-known/jwt-vc-issuer", handlers.jwt_vc_issuer)
    r.add_get(TYPE_METADATA_PATH, handlers.sdjwt_type_metadata)
    r.add_get("/achievements/{uuid}", handlers.public_achievement)
    r.add_get("/credentials/shared/{token}", link_handlers.shared_credential)  # a PDF's verification link
    r.add_get("/status-lists/{list_id}", handlers.status_list)
    r.add_get("/status-lists/2021/{list_id}", handlers.legacy_status_list)
    r.add_get("/status-lists/token/{list_id}", handlers.token_status_list)
    # OpenID4VCI (pre-authorised code flow)
    r.add_get("/.well-known/openid-credential-issuer", handlers.oid4vci_issuer_metadata)
    r.add_get("/.well-known/oauth-authorization-server", handlers.oid4vci_as_metadata)
    r.add_get("/credential-offers/{offer_id}", handlers.oid4vci_offer)
    r.add_post("/token", handlers.oid4vci_token)
    r.add_post("/nonce", handlers.oid4vci_nonce)
    r.add_post("/credential", handlers.oid4vci_credential)
    # pathways: public definitions and certificate claims (also under their older name, programmes)
    for base in ("/pathways", "/programmes"):
        r.add_get(base, pathway_handlers.public_pathways)
        r.add_get(base + "/{uuid}", pathway_handlers.public_pathway)
        r.add_post(base + "/{uuid}/claim-nonce", pathway_handlers.claim_nonce)
        r.add_post(base + "/{uuid}/claim", pathway_handlers.claim)


def _add_admin_routes(r: web.UrlDispatcher) -> None:
    """The admin API (bearer token) and the W3C VC-API issue/status endpoints."""
    r.add_get("/api/issuer/profile", handlers.get_profile)
    r.add_put("/api/issuer/profile", handlers.put_profile)
    # /api/achievements, /api/pathways and /api/programmes (the pathways' older name)
    for api in (handlers.ACHIEVEMENT_API, pathway_handlers.PATHWAY_API, pathway_handlers.LEGACY_API):
        base = f"/api/{api.collection}"
        r.add_get(base, api.list)
        r.add_post(base, api.create)
        r.add_get(base + "/{uuid}", api.get)
        r.add_put(base + "/{uuid}", api.update)
    r.add_post("/api/achievements/{uuid}/credentials", handlers.issue_for_learner)
    r.add_get("/api/credentials", handlers.list_credentials)
    r.add_get("/api/credentials/{credential_id}", handlers.get_credential)
    r.add_get("/api/credentials/{credential_id}/history", handlers.credential_history)
    r.add_post("/api/credentials/{credential_id}/pdf", link_handlers.credential_pdf)
    r.add_get("/api/credentials/{credential_id}/links", link_handlers.list_links)
    r.add_post("/api/credentials/{credential_id}/links", link_handlers.create_link)
    r.add_delete("/api/credentials/{credential_id}/links/{link_id}", link_handlers.revoke_link)
    r.add_post("/api/achievements/{uuid}/offers", handlers.create_offer)
    r.add_get("/api/offers/{offer_id}", handlers.get_offer)
    r.add_get("/api/trusted-issuers", pathway_handlers.list_trusted)
    r.add_put("/api/trusted-issuers/{did}", pathway_handlers.put_trusted)
    r.add_delete("/api/trusted-issuers/{did}", pathway_handlers.delete_trusted)
    # W3C VC-API
    r.add_post("/credentials/issue", handlers.vcapi_issue)
    r.add_post("/credentials/status", handlers.vcapi_status)
