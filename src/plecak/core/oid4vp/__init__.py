"""OpenID for Verifiable Presentations (OpenID4VP), the parts without a web server: signed Request Objects
and ``direct_post.jwt`` encryption (:mod:`.jar`). The verifier's side is in :mod:`plecak.verifier.oid4vp`,
the wallet's in :mod:`plecak.wallet.oid4vp`."""
