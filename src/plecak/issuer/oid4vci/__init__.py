"""OpenID for Verifiable Credential Issuance (OpenID4VCI), the issuer's side: credential offers, the
pre-authorised code flow and the credential endpoint (:mod:`.offers`), the credential issuer metadata
(:mod:`.metadata`) and the credential configuration of our SD-JWT VC (:mod:`.sdjwt_metadata`). The key
proofs a wallet sends are checked by :mod:`plecak.core.oid4vci.keyproof`."""
