"""JSON-LD without the network: the offline document loader, safe expansion,
RDF Dataset Canonicalization (pyld and the fast path) and JSON-pointer selection."""
