"""Plecak: issue, keep, share and verify EU micro-credentials as W3C Verifiable Credentials.

Layers, each importing only downwards (checked by import-linter in ``make lint``)::

    plecak.cli → plecak.issuer | plecak.wallet | plecak.verifier → plecak.runtime → plecak.core

See docs/architecture.md."""
