"""Plecak verifier service."""
