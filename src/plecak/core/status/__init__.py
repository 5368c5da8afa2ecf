"""Credential status: Bitstring Status List (:mod:`.bitstring`), IETF Token Status
List (:mod:`.token`) and the client that fetches lists (:mod:`.client`)."""
