"""OpenID for Verifiable Presentations (OpenID4VP), the verifier's side: making requests and taking the
wallet's answer (:mod:`.requests`), what is asked and how an answer matches it (DCQL, :mod:`.dcql`), the
``request`` check (is the answer what was asked for, :mod:`.request_check`) and the key and certificate
that sign the Request Objects (:mod:`.identity`). The employer's request pages are ``request_pages`` and the
wallet-facing endpoints ``handlers`` (handler modules of the verifier, beside the others, since they need
the application's keys)."""
