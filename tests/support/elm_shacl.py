"""Validating an ELM (EDC) JSON-LD document against the EDC 3.2 generic SHACL shapes with pyshacl.

The document goes through our safe-mode expansion and RDFC-1.0 N-Quads (one default graph, so
N-Triples: the same RDF our reader sees), then into rdflib. The shapes are
tests/vectors/elm/EDC-generic-no-cv-3.2.ttl ("no-cv": the shapes without the controlled-vocabulary
lists, which need EU Vocabularies data not available offline). A violation is named by (result
path, constraint component), so two documents' findings compare without their node identifiers.
"""

from __future__ import annotations

import functools
from typing import Any

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

from plecak.core.jsonld.rdf import expand_safe, to_nquads
from support import VECTORS

SHAPES = VECTORS / "elm" / "EDC-generic-no-cv-3.2.ttl"


@functools.cache
def _shapes() -> Graph:
    graph = Graph()
    graph.parse(SHAPES, format="turtle")
    return graph


def shacl_violations(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(result path, constraint component) of each violation the shapes find in ``document``."""
    data = Graph()
    data.parse(data=to_nquads(expand_safe(document)), format="nt")  # one default graph: N-Triples
    _conforms, report, _text = validate(data, shacl_graph=_shapes(), inference="none", allow_warnings=True)
    assert isinstance(report, Graph)
    found = set()
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        found.add((str(path), str(component).rsplit("#", 1)[-1]))
    return found
