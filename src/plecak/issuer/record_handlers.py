"""The admin API of an edited record (achievements, pathways): list, create, read and update; and
the admin's JSON body, read within the issuer's limits.

One :class:`RecordApi` per URL collection: ``/api/achievements``, ``/api/pathways`` and its older
name ``/api/programmes`` (the same records; the list's JSON member is named after the URL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from plecak.runtime.web import json_response, read_json

from .app_keys import SETTINGS
from .records import EditedRecords

__all__ = ["RecordApi", "json_body"]


async def json_body(request: web.Request) -> Any:
    """The request's JSON body, within the issuer's size and depth limits (problem details otherwise)."""
    settings = request.app[SETTINGS]
    return await read_json(request, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth)


@dataclass(frozen=True)
class RecordApi:
    collection: str
    """The URL segment under ``/api/`` and the list's JSON member."""
    records: Callable[[web.Request], EditedRecords]

    async def list(self, request: web.Request) -> web.Response:
        return json_response({self.collection: await self.records(request).all()})

    async def create(self, request: web.Request) -> web.Response:
        record = await self.records(request).create(await json_body(request))
        location = f"/api/{self.collection}/{record['uuid']}"
        return json_response(record, status=201, headers={"Location": location})

    async def get(self, request: web.Request) -> web.Response:
        return json_response(await self.records(request).get(request.match_info["uuid"]))

    async def update(self, request: web.Request) -> web.Response:
        records = self.records(request)
        return json_response(await records.update(request.match_info["uuid"], await json_body(request)))
