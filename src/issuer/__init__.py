"""Plecak issuer service."""
