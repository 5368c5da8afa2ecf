"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis

from .config import Settings

__all__ = ["REDIS", "SETTINGS"]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
