"""URL map of the wallet service."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.assets import add_static_routes

from . import (
    account_handlers,
    backup_handlers,
    europass,
    handlers,
    passkey_handlers,
    pathway_handlers,
    present_handlers,
    scan_handlers,
    share_handlers,
    travel_handlers,
)

__all__ = ["setup_routes"]


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", handlers.home)
    r.add_get("/health", handlers.health)
    r.add_get("/lang/{lang}", handlers.set_language)
    # accounts
    r.add_get("/signup", account_handlers.signup_form)
    r.add_post("/signup", account_handlers.signup)
    r.add_get("/signin", account_handlers.signin_form)
    r.add_post("/signin", account_handlers.signin)
    r.add_post("/signout", account_handlers.signout)
    r.add_get("/signed-out", account_handlers.signed_out)
    # passkeys (WebAuthn): the account page, and the ceremonies' JSON endpoints (form posts with CSRF)
    r.add_get("/account", passkey_handlers.account_page)
    r.add_post("/account/passkeys/{cred}/delete", passkey_handlers.remove_passkey)
    r.add_post("/passkeys/register/options", passkey_handlers.register_options)
    r.add_post("/passkeys/register", passkey_handlers.register_finish)
    r.add_post("/passkeys/signin/options", passkey_handlers.signin_options)
    r.add_post("/passkeys/signin", passkey_handlers.signin_finish)
    r.add_post("/passkeys/signup/options", passkey_handlers.signup_options)
    r.add_post("/passkeys/signup", passkey_handlers.signup_finish)
    # holder API for machine clients (stateless)
    r.add_post("/credentials/derive", handlers.derive_credential)
    # keep
    r.add_get("/credentials/{cid}", handlers.credential_detail)
    r.add_get("/credentials/{cid}/delete", handlers.delete_confirm)
    r.add_post("/credentials/{cid}/delete", handlers.delete_credential)
    # take it with you: a PDF with a verification QR code, an entry on LinkedIn (each makes a share link)
    r.add_post("/credentials/{cid}/pdf", travel_handlers.credential_pdf)
    r.add_post("/credentials/{cid}/linkedin", travel_handlers.credential_linkedin)
    r.add_get("/credentials/{cid}/europass", europass.credential_europass)  # an unsealed ELM copy (no share link)
    r.add_get("/add", handlers.add_form)
    r.add_post("/add", handlers.add_credential)
    # receive
    r.add_get("/receive", handlers.receive)
    r.add_post("/receive/{pid}", handlers.accept_offer)
    r.add_get("/scan", scan_handlers.scan)
    r.add_post("/scan/photo", scan_handlers.scan_photo)
    r.add_post("/scan/frame", scan_handlers.scan_frame)  # camera frames of browsers without BarcodeDetector
    r.add_get("/open", scan_handlers.open_link)
    # share
    r.add_get("/share", share_handlers.share_form)
    r.add_post("/share", share_handlers.create_share)
    r.add_get("/shares", share_handlers.shares_list)
    r.add_post("/shares/{share}/revoke", share_handlers.revoke_share)
    r.add_get("/s/{token}", share_handlers.serve_share)
    # present (OpenID4VP)
    r.add_get("/present", present_handlers.present)
    r.add_post("/present/{pid}", present_handlers.answer_request)
    # pathways the learner follows, and claiming their certificates
    r.add_get("/pathways", pathway_handlers.pathways)
    r.add_post("/pathways/follow", pathway_handlers.follow)
    r.add_get("/pathways/{key}", pathway_handlers.pathway)
    r.add_post("/pathways/{key}/claim", pathway_handlers.claim)
    r.add_post("/pathways/{key}/unfollow", pathway_handlers.unfollow)
    # backup
    r.add_get("/backup", backup_handlers.backup_page)
    r.add_post("/backup/export", backup_handlers.export_backup)
    r.add_post("/backup/import", backup_handlers.import_backup)
    # installable app (PWA)
    r.add_get("/sw.js", handlers.service_worker)
    r.add_get("/manifest.webmanifest", handlers.manifest)
    add_static_routes(r, __file__)
