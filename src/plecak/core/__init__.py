"""Plecak's core library: everything about credentials that needs no web server.

Sub-packages by concept: :mod:`.model` (data model checks), :mod:`.jsonld` (offline loader,
canonicalisation), :mod:`.crypto` (keys, sealed secrets), :mod:`.did`, :mod:`.integrity` (Data
Integrity proofs, one module per cryptosuite), :mod:`.sdjwt` (SD-JWT VC), :mod:`.disclosure`
(selective disclosure for both formats), :mod:`.status` (status lists and their client),
:mod:`.verify` (the verification pipelines) and :mod:`.pathways` (stackable credentials).

It never imports :mod:`plecak.runtime` or a service; services talk to each other only over HTTP.
"""
