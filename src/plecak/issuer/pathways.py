"""Pathways: a certificate achievement plus a rule over component achievements (stackable credentials).

An admin defines a pathway as data::

    {"achievement": {<every EU element, as for a micro-credential>},
     "rule": {<see plecak.core.pathways>}}

The certificate achievement gets ``achievementType: Certificate``, ``hasPart`` (every component
achievement id), ``mandatoryComponent`` / ``electiveComponent`` and a generated ``compositionRule``
sentence. Pathways are public (``GET /pathways``) so wallets can show progress towards them.
Also here: the list of other institutions whose components this issuer accepts (trusted issuers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.errors import RuleError
from plecak.core.model.datamodel import is_url
from plecak.core.pathways import describe_rule, normalise_rule

from .achievements import AchievementProblems, build_achievement, normalise_input
from .issued import NotFound, next_version
from .pathways_store import PathwayStore
from .records import EditedRecords
from .service import IssuerService

__all__ = ["PathwayService", "normalise_pathway"]


def normalise_pathway(data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(achievement input, rule)`` validated; raises :class:`AchievementProblems` naming every problem."""
    if not isinstance(data, Mapping):
        raise AchievementProblems(invalid={"$": "the pathway must be a JSON object"})
    problems = AchievementProblems()
    for key in sorted(set(data) - {"achievement", "rule"}):
        problems.invalid[key] = "unknown field"
    raw = data.get("achievement")
    clean: dict[str, Any] = {}
    if not isinstance(raw, Mapping):
        problems.missing.append("achievement")
    else:
        if raw.get("achievementType", "Certificate") != "Certificate":
            problems.invalid["achievement.achievementType"] = "a pathway awards a Certificate"
        try:
            clean = normalise_input({**raw, "achievementType": "Certificate"})
        except AchievementProblems as exc:
            problems.missing += [f"achievement.{m}" for m in exc.missing]
            problems.invalid.update({f"achievement.{k}": v for k, v in exc.invalid.items()})
    rule: dict[str, Any] = {}
    if data.get("rule") is None:
        problems.missing.append("rule")
    else:
        try:
            rule = normalise_rule(data["rule"])
        except RuleError as exc:
            problems.invalid["rule"] = "; ".join(exc.problems)
    if problems:
        raise problems
    return clean, rule


class PathwayService(EditedRecords):
    """The pathways an admin defines (``/api/pathways``), their public form and the trusted institutions."""

    what = "pathway"

    def __init__(self, issuer: IssuerService, store: PathwayStore) -> None:
        self.issuer = issuer
        self.store = store

    def pathway_url(self, pathway_uuid: str) -> str:
        return f"{self.issuer.public_url}/pathways/{pathway_uuid}"

    async def load(self, record_uuid: str) -> dict[str, Any] | None:
        return await self.store.get(record_uuid)

    async def all(self) -> list[dict[str, Any]]:
        return await self.store.all()

    async def save(self, record_uuid: str, data: Any, *, existing: dict[str, Any] | None) -> dict[str, Any]:
        clean, rule = normalise_pathway(data)
        profile = await self.issuer._require_profile()
        # A pathway keeps the id it was created with: pathways made before the rename live under
        # /programmes/{uuid}, and that URL is in the certificates already issued.
        url = str(existing["id"]) if existing else self.pathway_url(record_uuid)
        achievement = build_achievement(url, clean, profile)
        achievement["compositionRule"] = describe_rule(rule)
        achievement["hasPart"] = [c["achievement"] for c in rule["components"]]
        if rule["mandatory"]:
            achievement["mandatoryComponent"] = list(rule["mandatory"])
        electives = [a for g in rule["electiveGroups"] for a in g["components"]]
        if electives:
            achievement["electiveComponent"] = electives
        trusted = await self.store.trusted()
        warnings = [
            f"component {c['achievement']} is awarded by {c['issuer']}, which is not in the trusted list:"
            " claims cannot count it until it is added (PUT /api/trusted-issuers/{did})"
            for c in rule["components"]
            if c["issuer"] != self.issuer.keys.did and c["issuer"] not in trusted
        ]
        await self.issuer.check_terms(achievement, profile)
        record = {
            "uuid": record_uuid,
            "id": url,
            "input": clean,
            "rule": rule,
            "achievement": achievement,
            "warnings": warnings,
            **next_version(existing),
        }
        await self.store.save(record_uuid, record)
        return record

    def public(self, record: Mapping[str, Any], *, legacy: bool = False) -> dict[str, Any]:
        """What a wallet needs: the certificate, the rule, the issuer and where to claim.

        ``legacy`` (the ``/programmes`` URLs) keeps the type older wallets look for, ``Programme``.
        """
        url = str(record["id"])
        return {
            "id": url,
            "type": "Programme" if legacy else "Pathway",
            "name": record["achievement"]["name"],
            "description": record["achievement"].get("description"),
            "issuer": self.issuer.keys.did,
            "achievement": record["achievement"],
            "rule": record["rule"],
            "version": record["version"],
            "claim": {"nonce": f"{url}/claim-nonce", "endpoint": f"{url}/claim"},
        }

    # -- trusted institutions ---------------------------------------------------------------
    async def trusted(self) -> dict[str, dict[str, Any]]:
        return await self.store.trusted()

    async def trust(self, did: str, data: Any) -> dict[str, Any]:
        problems = AchievementProblems()
        if not did.startswith("did:") or not is_url(did):
            problems.invalid["did"] = "must be the institution's DID"
        if not isinstance(data, Mapping):
            raise AchievementProblems(invalid={"$": "the body must be a JSON object with a name"})
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            problems.missing.append("name")
        country = data.get("country")
        if country is not None and (
            not isinstance(country, str) or len(country) != 2 or not country.isalpha()
        ):
            problems.invalid["country"] = "must be an ISO 3166-1 alpha-2 code such as DE"
        for key in sorted(set(data) - {"name", "country"}):
            problems.invalid[key] = "unknown field"
        if problems:
            raise problems
        assert isinstance(name, str)
        entry: dict[str, Any] = {"name": name.strip()}
        if isinstance(country, str):
            entry["country"] = country.upper()
        await self.store.trust(did, entry)
        return {"did": did, **entry}

    async def distrust(self, did: str) -> None:
        if not await self.store.distrust(did):
            raise NotFound(f"{did} is not in the trusted list")
