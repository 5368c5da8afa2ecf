"""Key pairs (Ed25519, P-256, P-384 as Multikey) and the secret box that seals
keys at rest."""
