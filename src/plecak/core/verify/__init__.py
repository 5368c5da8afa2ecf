"""Verification pipelines for credentials (:mod:`.credential`) and presentations
(:mod:`.presentation`)."""
