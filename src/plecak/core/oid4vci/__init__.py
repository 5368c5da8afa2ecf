"""OpenID for Verifiable Credential Issuance (OpenID4VCI), the parts without a web server: key proofs
(:mod:`.keyproof`). The issuer's endpoints are in :mod:`plecak.issuer.oid4vci`, the wallet's side in
:mod:`plecak.wallet.oid4vci`."""
