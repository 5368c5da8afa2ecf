"""The encrypted backup: exporting the learner's credentials and importing them again."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from .app_keys import ACCOUNTS, SERVICE
from .backup import MAX_BACKUP_BYTES
from .exceptions import UserError
from .handler_tools import redirect_with_flash, require_account
from .middleware import render, tr
from .route_table import routes

__all__ = ["backup_page", "export_backup", "import_backup"]


# -- backup ------------------------------------------------------------------------------
@routes.get("/backup")
async def backup_page(request: web.Request) -> web.Response:
    require_account(request)
    return await render(request, "backup.html", {})


@routes.post("/backup/export")
async def export_backup(request: web.Request) -> web.Response:
    account = require_account(request)
    form = await request.post()
    holder = await request.app[ACCOUNTS].holder_key(account.uid)
    try:
        data = await request.app[SERVICE].export_backup(
            account.uid, holder, str(form.get("passphrase", "")), str(form.get("passphrase_again", ""))
        )
    except UserError as exc:
        context = {"export_error": tr(request)(exc.key, **exc.params)}
        return await render(request, "backup.html", context, status=exc.status)
    name = f"plecak-wallet-{datetime.now(UTC):%Y%m%d}.json"
    return web.Response(
        body=data,
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@routes.post("/backup/import")
async def import_backup(request: web.Request) -> web.Response:
    account = require_account(request)
    form = await request.post()
    upload = form.get("file")
    try:
        if not isinstance(upload, web.FileField):
            raise UserError("backup.not_a_backup")
        data = upload.file.read(MAX_BACKUP_BYTES + 1)
        count = await request.app[SERVICE].import_backup(
            account.uid, account.did, data, str(form.get("passphrase", ""))
        )
    except UserError as exc:
        context = {"import_error": tr(request)(exc.key, **exc.params), "import_detail": exc.detail}
        return await render(request, "backup.html", context, status=exc.status)
    return await redirect_with_flash(request, "/", "flash.imported", count=count)
