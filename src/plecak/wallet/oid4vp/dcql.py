"""What a verifier's DCQL query asks for (:class:`CredentialQuery`), read from its JSON, and which stored
credentials answer it (:func:`credential_matches`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from plecak.core.errors import VCError
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.sdjwt import VCT_MICRO_CREDENTIAL, SdJwtError, is_micro_credential_vct, parse_sd_jwt

from ..exceptions import UserError
from ..sdjwt import sd_jwt_of

__all__ = ["SUPPORTED_FORMATS", "CredentialQuery", "credential_matches"]


SUPPORTED_FORMATS = ("ldp_vc", "dc+sd-jwt")


@dataclass
class CredentialQuery:
    id: str
    format: str
    type_values: list[list[str]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    multiple: bool = False
    vct_values: list[str] = field(default_factory=list)
    """``dc+sd-jwt`` queries: the credential types asked for (``meta.vct_values``)."""
    claim_sets: list[list[str]] = field(default_factory=list)
    """DCQL ``claim_sets``: the combinations of claim ids the verifier accepts; a claim in every
    option is required, the others are optional (the learner may decline them)."""
    proof_type_values: list[str] | None = None
    """``ldp_vc``: the proof types the verifier accepts (``None``: it does not say)."""
    cryptosuite_values: list[str] | None = None
    """``ldp_vc``: the Data Integrity cryptosuites the verifier accepts."""
    alg_values: list[str] | None = None
    """``dc+sd-jwt``: the issuer signature algorithms the verifier accepts (``sd-jwt_alg_values``)."""
    kb_alg_values: list[str] | None = None
    """``dc+sd-jwt``: the key-binding algorithms the verifier accepts (``kb-jwt_alg_values``)."""

    @property
    def type_names(self) -> list[str]:
        """Readable type names: the last segment of each expanded IRI."""
        names = []
        for group in self.type_values:
            for iri in group:
                names.append(iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
        return names

    @property
    def claim_texts(self) -> list[str]:
        texts = []
        for claim in self.claims:
            path = ".".join("*" if p is None else str(p) for p in claim.get("path", []))
            values = claim.get("values")
            texts.append(f"{path} = {' / '.join(map(str, values))}" if values else path)
        return texts


def _invalid(detail: str) -> UserError:
    return UserError("present.invalid", detail=detail)


def _strings(value: Any) -> list[str] | None:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None


def _narrowed(*sources: list[str] | None) -> list[str] | None:
    """The values every source that says something allows (``None``: nobody restricts)."""
    given = [s for s in sources if s is not None]
    if not given:
        return None
    return [v for v in given[0] if all(v in other for other in given[1:])]


def _queries(dcql: Any, formats: Mapping[str, Any] | None = None) -> list[CredentialQuery]:
    if not isinstance(dcql, Mapping):
        raise _invalid("dcql_query is missing")
    items = dcql.get("credentials")
    if not isinstance(items, list) or not items or len(items) > 10:
        raise _invalid("dcql_query.credentials must list 1 to 10 credential queries")
    queries = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) or not item["id"]:
            raise _invalid("every credential query needs an id")
        meta = item.get("meta") if isinstance(item.get("meta"), Mapping) else {}
        assert isinstance(meta, Mapping)
        type_values = meta.get("type_values", [])
        if not isinstance(type_values, list) or not all(
            isinstance(g, list) and all(isinstance(t, str) for t in g) for g in type_values
        ):
            raise _invalid("meta.type_values must be a list of lists of types")
        vct_values = meta.get("vct_values", [])
        if not isinstance(vct_values, list) or not all(isinstance(v, str) for v in vct_values):
            raise _invalid("meta.vct_values must be a list of types")
        claims = item.get("claims", [])
        if not isinstance(claims, list) or not all(
            isinstance(c, Mapping) and isinstance(c.get("path"), list) and c["path"] for c in claims
        ):
            raise _invalid("claims must be a list of objects with a path")
        claim_sets = item.get("claim_sets", [])
        ids = {c.get("id") for c in claims if isinstance(c.get("id"), str)}
        if not isinstance(claim_sets, list) or not all(
            isinstance(o, list) and o and all(isinstance(i, str) and i in ids for i in o) for o in claim_sets
        ):
            raise _invalid("claim_sets must list options of the ids of the query's claims")
        fmt = str(item.get("format", ""))
        accepted = (formats or {}).get(fmt)
        accepted = accepted if isinstance(accepted, Mapping) else {}
        queries.append(
            CredentialQuery(
                id=item["id"],
                format=fmt,
                type_values=[list(g) for g in type_values],
                claims=[dict(c) for c in claims],
                multiple=item.get("multiple") is True,
                vct_values=list(vct_values),
                claim_sets=[list(o) for o in claim_sets],
                proof_type_values=_narrowed(
                    _strings(accepted.get("proof_type_values")), _strings(meta.get("proof_type_values"))
                ),
                cryptosuite_values=_narrowed(
                    _strings(accepted.get("cryptosuite_values")), _strings(meta.get("cryptosuite_values"))
                ),
                alg_values=_narrowed(_strings(accepted.get("sd-jwt_alg_values")), _strings(meta.get("alg_values"))),
                kb_alg_values=_strings(accepted.get("kb-jwt_alg_values")),
            )
        )
    if len({q.id for q in queries}) != len(queries):
        raise _invalid("credential query ids must be unique")
    return queries


def _types(credential: Mapping[str, Any]) -> set[str]:
    types = credential.get("type")
    found = {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
    try:
        nodes = expand_safe(dict(credential))
    except (VCError, TypeError, ValueError):
        return found
    for node in nodes:
        node_types = node.get("@type", []) if isinstance(node, Mapping) else []
        found.update(t for t in node_types if isinstance(t, str))
    return found


def _resolve(value: Any, path: Sequence[Any]) -> list[Any]:
    """Every value at a DCQL claims path (``None`` selects all array elements)."""
    current = [value]
    for step in path:
        following: list[Any] = []
        for item in current:
            if step is None and isinstance(item, list):
                following.extend(item)
            elif isinstance(step, int) and isinstance(item, list) and 0 <= step < len(item):
                following.append(item[step])
            elif isinstance(step, str):
                for part in item if isinstance(item, list) else [item]:
                    if isinstance(part, Mapping) and step in part:
                        following.append(part[step])
        current = following
    return [v for c in current for v in (c if isinstance(c, list) else [c])]


def _sd_jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any] | None:
    """Every claim of a stored SD-JWT VC (the holder has all disclosures), else ``None``."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        return None
    try:
        parsed = parse_sd_jwt(sd_jwt)
    except SdJwtError:
        return None
    claims = {k: v for k, v in parsed.payload.items() if k not in ("_sd", "_sd_alg")}
    claims.update({name: d.value for name, d in parsed.disclosable().items()})
    return claims


def _proofs_accepted(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """An ``ldp_vc`` credential has a proof of a type and cryptosuite the verifier accepts."""
    if query.proof_type_values is None and query.cryptosuite_values is None:
        return True
    proofs = credential.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if not isinstance(proof, Mapping):
            continue
        kind = proof.get("type")
        if query.proof_type_values is not None and kind not in query.proof_type_values:
            continue
        if kind == "DataIntegrityProof" and query.cryptosuite_values is not None:
            if proof.get("cryptosuite") not in query.cryptosuite_values:
                continue
        return True
    return False


def _sd_jwt_algs_accepted(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """An SD-JWT VC signed with, and bound to a key for, algorithms the verifier accepts."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        return False
    parsed = parse_sd_jwt(sd_jwt)
    if query.alg_values is not None and parsed.header.get("alg") not in query.alg_values:
        return False
    if query.kb_alg_values is not None:
        cnf = parsed.payload.get("cnf")
        key = cnf.get("jwk") if isinstance(cnf, Mapping) else None
        kty = key.get("kty") if isinstance(key, Mapping) else None
        crv = key.get("crv") if isinstance(key, Mapping) else None
        alg = "EdDSA" if (kty, crv) == ("OKP", "Ed25519") else "ES256" if (kty, crv) == ("EC", "P-256") else None
        if alg not in query.kb_alg_values:
            return False
    return True


def credential_matches(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    if query.format not in SUPPORTED_FORMATS:
        return False
    sd_claims = _sd_jwt_claims(credential)
    if (query.format == "dc+sd-jwt") != (sd_claims is not None):
        return False
    if sd_claims is not None:
        vct = sd_claims.get("vct")
        hosted = VCT_MICRO_CREDENTIAL in query.vct_values and is_micro_credential_vct(vct)
        if query.vct_values and vct not in query.vct_values and not hosted:
            return False
        if not _sd_jwt_algs_accepted(query, credential):
            return False
        credential = sd_claims
    elif not _proofs_accepted(query, credential):
        return False
    if query.type_values:
        types = _types(credential)
        if not any(set(group) <= types for group in query.type_values):
            return False

    def satisfied(claim: Mapping[str, Any]) -> bool:
        found = _resolve(credential, claim["path"])
        values = claim.get("values")
        return bool(found) and not (isinstance(values, list) and not any(v in values for v in found))

    if query.claim_sets:  # some option the credential can answer in full
        return any(
            all(satisfied(c) for c in query.claims if c.get("id") in option) for option in query.claim_sets
        )
    return all(satisfied(c) for c in query.claims)
