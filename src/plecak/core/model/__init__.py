"""The credential data model: VC 2.0/1.1 structure checks and related-resource digests."""
