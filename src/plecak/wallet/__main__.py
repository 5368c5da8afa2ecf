"""``python -m plecak.wallet``: run the wallet service with settings from the environment."""

from plecak.runtime.serve import serve

from .app import create_app
from .config import Settings


def main() -> None:
    settings = Settings.from_env()
    serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()
