"""OpenID for Verifiable Presentations (OpenID4VP), the wallet's side: reading a verifier's (signed)
request and sending the answer (:mod:`.answer`), and which held credentials answer its DCQL query
(:mod:`.dcql`). The page that shows the request is ``present_handlers`` (a handler module of the wallet,
beside the others, since it needs the application's keys)."""
