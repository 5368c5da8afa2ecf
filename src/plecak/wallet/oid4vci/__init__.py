"""OpenID for Verifiable Credential Issuance (OpenID4VCI), the wallet's side: reading an issuer's credential
offer and redeeming it with a key proof of the learner's holder key (:mod:`.client`)."""
