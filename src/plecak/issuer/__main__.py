"""``python -m plecak.issuer``: run the issuer service with settings from the environment."""

import os

from aiohttp import web

from .app import create_app
from .config import Settings


def main() -> None:
    settings = Settings.from_env()
    # PLECAK_REUSE_PORT=1 (set by `plecak up --workers N`): several processes share the port.
    reuse_port = os.environ.get("PLECAK_REUSE_PORT") == "1"
    web.run_app(
        create_app(settings), host=settings.host, port=settings.port, print=None, reuse_port=reuse_port
    )


if __name__ == "__main__":
    main()
