"""Plecak wallet service."""
