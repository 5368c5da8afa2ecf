"""Data Integrity proofs (:mod:`.proofs`) and one module per cryptosuite:
``eddsa-rdfc-2022`` and ``Ed25519Signature2020`` (:mod:`.suites`, which also holds the registry),
``eddsa-jcs-2022``/``ecdsa-rdfc-2019``/``ecdsa-jcs-2019`` (:mod:`.jcs_ecdsa`) and the selective-disclosure
suite ``ecdsa-sd-2023`` (:mod:`.ecdsa_sd` on :mod:`.sd_primitives`)."""
