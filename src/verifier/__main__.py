"""``python -m verifier``: run the verifier service with settings from the environment."""

from aiohttp import web

from .app import create_app
from .config import Settings


def main() -> None:
    settings = Settings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
