"""``python -m plecak.cli``: the same as the ``plecak`` command."""

import sys

from plecak.cli import main

if __name__ == "__main__":
    sys.exit(main())
