"""Learning pathways: does a set of micro-credentials stack into a programme's certificate?

Pure and deterministic: no I/O, no clock (the caller passes ``now``). A programme *rule* is data:

.. code-block:: json

    {"components": [{"achievement": "https://uni.example/achievements/a", "issuer": "did:web:uni.example",
                     "name": "Data Literacy"}],
     "mandatory": ["https://uni.example/achievements/a"],
     "electiveGroups": [{"name": "Electives", "components": ["…"], "minCount": 1, "minEctsEach": 3}],
     "modules": [{"name": "Module 1", "components": ["…"], "minCount": 1}],
     "minInstitutions": 2, "minCountries": 2,
     "validity": {"awardedAfter": "2025-01-01T00:00:00Z", "awardedBefore": null, "maxAgeDays": 1825}}

A component is identified by its achievement id **and** the DID of the issuer that awards it, so a
look-alike achievement from another issuer never counts. :func:`normalise_rule` validates a rule
(raising :class:`~plecak.core.errors.RuleError` naming every problem); :func:`part_from_credential` reads
the facts a rule needs from a credential (achievement, issuer, ECTS, country, award date);
:func:`evaluate` says which requirements are met, which are missing and why.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from plecak.core.encoding import b64url_encode
from plecak.core.errors import ProofError, RuleError
from plecak.core.integrity.ecdsa_sd import base_signature_of
from plecak.core.model.datamodel import is_url, issuer_id
from plecak.core.timeutil import format_datetime, parse_datetime

__all__ = [
    "ECTS_FRAMEWORK",
    "Evaluation",
    "Part",
    "Requirement",
    "credential_digest",
    "describe_rule",
    "evaluate",
    "normalise_rule",
    "part_from_credential",
]

ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
MAX_COMPONENTS = 100
_RULE_FIELDS = {
    "components",
    "mandatory",
    "electiveGroups",
    "modules",
    "minInstitutions",
    "minCountries",
    "validity",
}


# -- rule validation ----------------------------------------------------------------------
def _count(value: Any, name: str, problems: list[str], *, low: int = 0) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_COMPONENTS:
        problems.append(f"{name} must be a whole number from {low} to {MAX_COMPONENTS}")
        return None
    return value


def _ects(value: Any, name: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{name} must be a number of ECTS credits")
        return None
    if not 0 < value <= 240:
        problems.append(f"{name} must be greater than 0 and at most 240")
        return None
    return value


def _refs(value: Any, name: str, known: Mapping[str, Any], problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not value:
        problems.append(f"{name} must be a non-empty list of component achievement ids")
        return []
    out: list[str] = []
    for ref in value:
        if not isinstance(ref, str) or ref not in known:
            problems.append(f"{name} names {ref!r}, which is not one of the programme's components")
        elif ref in out:
            problems.append(f"{name} names {ref} twice")
        else:
            out.append(ref)
    return out


def _group(
    value: Any, name: str, known: Mapping[str, Any], problems: list[str], *, kind: str
) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        problems.append(f"{name} must be an object")
        return None
    allowed = {"name", "components", "minCount"} | (
        {"minEcts", "minEctsEach"} if kind == "elective" else set()
    )
    for key in sorted(set(value) - allowed):
        problems.append(f"{name}.{key} is not a known field")
    title = value.get("name")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.append(f"{name}.name must be a short text")
        title = name
    refs = _refs(value.get("components"), f"{name}.components", known, problems)
    group: dict[str, Any] = {"name": str(title).strip(), "components": refs}
    min_count = _count(value.get("minCount"), f"{name}.minCount", problems)
    if kind == "elective":
        min_ects = _ects(value.get("minEcts"), f"{name}.minEcts", problems)
        each = _ects(value.get("minEctsEach"), f"{name}.minEctsEach", problems)
        if min_count is None and min_ects is None:
            min_count = 1
        if min_ects is not None:
            group["minEcts"] = min_ects
        if each is not None:
            group["minEctsEach"] = each
    elif min_count is None:
        min_count = 1
    if min_count is not None:
        group["minCount"] = min_count
        if refs and min_count > len(refs):
            problems.append(
                f"{name} asks for {min_count} components but offers only {len(refs)}: it can never be met"
            )
    return group


def normalise_rule(data: Any) -> dict[str, Any]:
    """Validate a rule and return its canonical form; raises :class:`RuleError` listing every problem."""
    if not isinstance(data, Mapping):
        raise RuleError(["the rule must be a JSON object"])
    problems: list[str] = [f"rule.{k} is not a known field" for k in sorted(set(data) - _RULE_FIELDS)]
    components: dict[str, dict[str, Any]] = {}
    raw = data.get("components")
    if not isinstance(raw, list) or not raw:
        problems.append("rule.components must be a non-empty list of {achievement, issuer, name}")
        raw = []
    if len(raw) > MAX_COMPONENTS:
        problems.append(f"rule.components holds at most {MAX_COMPONENTS} components")
        raw = []
    for i, comp in enumerate(raw):
        where = f"rule.components[{i}]"
        if not isinstance(comp, Mapping):
            problems.append(f"{where} must be an object")
            continue
        for key in sorted(set(comp) - {"achievement", "issuer", "name", "ects"}):
            problems.append(f"{where}.{key} is not a known field")
        ach, iss, name = comp.get("achievement"), comp.get("issuer"), comp.get("name")
        ok = True
        if not is_url(ach):
            problems.append(f"{where}.achievement must be the component's achievement id (a URL)")
            ok = False
        if not (isinstance(iss, str) and iss.startswith("did:") and is_url(iss)):
            problems.append(f"{where}.issuer must be the DID of the issuer that awards the component")
            ok = False
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            problems.append(f"{where}.name must be the component's title")
            ok = False
        ects = _ects(comp.get("ects"), f"{where}.ects", problems)
        if not ok:
            continue
        assert isinstance(ach, str) and isinstance(iss, str) and isinstance(name, str)
        if ach in components:
            problems.append(f"{where}: component {ach} is listed twice")
            continue
        entry: dict[str, Any] = {"achievement": ach, "issuer": iss, "name": name.strip()}
        if ects is not None:
            entry["ects"] = ects
        components[ach] = entry
    rule: dict[str, Any] = {"components": list(components.values())}
    mandatory: list[str] = []
    if data.get("mandatory") is not None:
        mandatory = _refs(data["mandatory"], "rule.mandatory", components, problems)
    rule["mandatory"] = mandatory
    groups_raw = data.get("electiveGroups") or []
    modules_raw = data.get("modules") or []
    if not isinstance(groups_raw, list):
        problems.append("rule.electiveGroups must be a list")
        groups_raw = []
    if not isinstance(modules_raw, list):
        problems.append("rule.modules must be a list")
        modules_raw = []
    groups = [
        g
        for i, item in enumerate(groups_raw)
        if (g := _group(item, f"rule.electiveGroups[{i}]", components, problems, kind="elective"))
    ]
    modules = [
        m
        for i, item in enumerate(modules_raw)
        if (m := _group(item, f"rule.modules[{i}]", components, problems, kind="module"))
    ]
    rule["electiveGroups"] = groups
    rule["modules"] = modules
    seen: dict[str, str] = {a: "mandatory" for a in mandatory}
    for g in groups:
        for ref in g["components"]:
            if ref in seen:
                problems.append(f"component {ref} is both {seen[ref]} and in elective group {g['name']!r}")
            seen[ref] = f"in elective group {g['name']!r}"
    covered = set(seen) | {ref for m in modules for ref in m["components"]}
    for ach in components:
        if ach not in covered:
            problems.append(f"component {ach} is not used by any requirement")
    if components and not (mandatory or groups or modules):
        problems.append("the rule has no requirement: give mandatory components, elective groups or modules")
    for key in ("minInstitutions", "minCountries"):
        value = _count(data.get(key), f"rule.{key}", problems, low=1)
        if value is not None:
            rule[key] = value
    validity = data.get("validity")
    if validity is not None:
        rule["validity"] = _validity(validity, problems)
    if problems:
        raise RuleError(problems)
    return rule


def _validity(value: Any, problems: list[str]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        problems.append("rule.validity must be an object")
        return {}
    out: dict[str, Any] = {}
    for key in sorted(set(value) - {"awardedAfter", "awardedBefore", "maxAgeDays"}):
        problems.append(f"rule.validity.{key} is not a known field")
    for key in ("awardedAfter", "awardedBefore"):
        if value.get(key) is None:
            continue
        moment = parse_datetime(value[key])
        if moment is None:
            problems.append(f"rule.validity.{key} must be a date-time such as 2026-01-01T00:00:00Z")
        else:
            out[key] = format_datetime(moment)
    if "awardedAfter" in out and "awardedBefore" in out and out["awardedAfter"] >= out["awardedBefore"]:
        problems.append("rule.validity.awardedAfter must be before awardedBefore")
    days = value.get("maxAgeDays")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36500:
            problems.append("rule.validity.maxAgeDays must be a whole number of days from 1 to 36500")
        else:
            out["maxAgeDays"] = days
    return out


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def describe_rule(rule: Mapping[str, Any]) -> str:
    """One readable sentence for ``compositionRule`` (generated, so it never disagrees with the rule)."""
    names = {c["achievement"]: c["name"] for c in rule["components"]}
    parts: list[str] = []
    if rule.get("mandatory"):
        parts.append("all of: " + ", ".join(names[a] for a in rule["mandatory"]))
    for g in rule.get("electiveGroups", []):
        need = []
        if g.get("minCount"):
            need.append(f"at least {g['minCount']}")
        listed = ", ".join(names[a] for a in g["components"])
        text = f"{' and '.join(need) or 'electives'} from {g['name']} ({listed})"
        if g.get("minEctsEach"):
            text += f", each of at least {_number(g['minEctsEach'])} ECTS"
        if g.get("minEcts"):
            text += f", at least {_number(g['minEcts'])} ECTS in total"
        parts.append(text)
    for m in rule.get("modules", []):
        parts.append(f"at least {m['minCount']} from module {m['name']}")
    if rule.get("minInstitutions"):
        parts.append(f"components from at least {rule['minInstitutions']} institutions")
    if rule.get("minCountries"):
        parts.append(f"in at least {rule['minCountries']} countries")
    validity = rule.get("validity") or {}
    if validity.get("awardedAfter"):
        parts.append(f"awarded after {validity['awardedAfter'][:10]}")
    if validity.get("awardedBefore"):
        parts.append(f"awarded before {validity['awardedBefore'][:10]}")
    if validity.get("maxAgeDays"):
        parts.append(f"awarded within the last {validity['maxAgeDays']} days")
    return "Requires " + "; ".join(parts) + "."


# -- facts from credentials ---------------------------------------------------------------
SD_DIGEST_PREFIX = b"ecdsa-sd-2023 base signature\x00"


def credential_digest(credential: Mapping[str, Any]) -> str:
    """``digestMultibase`` of a credential: base64url multibase of a sha2-256 multihash.

    Of its canonical JSON (sorted keys, no insignificant white space, UTF-8); for a selectively
    disclosable (``ecdsa-sd-2023``) credential, of the issuer's base signature instead, which every
    disclosure of that issued credential carries: a part cited once matches whatever fields the
    holder later shows (the disclosure's own proof still has to verify).
    """
    try:
        material = SD_DIGEST_PREFIX + base_signature_of(credential)
    except ProofError:
        material = json.dumps(credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(material).digest()
    return "u" + b64url_encode(b"\x12\x20" + digest)


@dataclass(frozen=True)
class Part:
    """What a rule needs to know about one held credential."""

    credential_id: str
    achievement: str | None
    issuer: str | None
    name: str
    ects: float | None = None
    country: str | None = None
    issuer_name: str | None = None
    awarded: str | None = None
    subject: str | None = None
    digest: str | None = None
    #: Why this part cannot count (revoked, untrusted issuer, bad signature…), set by the caller.
    rejected: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentialId": self.credential_id, "name": self.name}
        for key, value in (
            ("achievement", self.achievement),
            ("issuer", self.issuer),
            ("issuerName", self.issuer_name),
            ("ects", self.ects),
            ("country", self.country),
            ("awarded", self.awarded),
            ("digestMultibase", self.digest),
        ):
            if value is not None:
                out[key] = value
        return out


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _ects_of(achievement: Mapping[str, Any]) -> float | None:
    points = achievement.get("creditPoint")
    for point in points if isinstance(points, list) else [points]:
        if isinstance(point, Mapping) and point.get("framework") == ECTS_FRAMEWORK:
            try:
                value = float(str(point.get("point")))
            except ValueError:
                continue
            if math.isfinite(value) and value > 0:
                return value
    credits = achievement.get("creditsAvailable")
    if isinstance(credits, int | float) and not isinstance(credits, bool) and math.isfinite(credits):
        return float(credits) if credits > 0 else None
    return None


def part_from_credential(credential: Mapping[str, Any], *, rejected: str | None = None) -> Part:
    """The facts of an Open Badges credential; unknown shapes give a part that matches nothing."""
    subject = _first(credential.get("credentialSubject"))
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = credential.get("issuer")
    issuer_obj = issuer if isinstance(issuer, Mapping) else {}
    address = issuer_obj.get("address")
    country = None
    if isinstance(address, Mapping) and isinstance(address.get("addressCountryCode"), str):
        country = str(address["addressCountryCode"]).upper()
    awarded = parse_datetime(credential.get("awardedDate")) or parse_datetime(
        credential.get("validFrom") or credential.get("issuanceDate")
    )
    name = achievement.get("name") or credential.get("name") or "Unnamed credential"
    ach_id = achievement.get("id")
    sid = subject.get("id")
    return Part(
        credential_id=str(credential.get("id", "")),
        achievement=ach_id if isinstance(ach_id, str) else None,
        issuer=issuer_id(credential),
        name=str(name),
        ects=_ects_of(achievement),
        country=country,
        issuer_name=str(issuer_obj["name"]) if isinstance(issuer_obj.get("name"), str) else None,
        awarded=format_datetime(awarded) if awarded else None,
        subject=sid if isinstance(sid, str) else None,
        digest=credential_digest(credential),
        rejected=rejected,
    )


# -- evaluation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    met: bool
    detail: str
    credentials: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "met": self.met,
            "detail": self.detail,
            "credentials": list(self.credentials),
        }


@dataclass(frozen=True)
class Evaluation:
    requirements: list[Requirement]
    #: Parts that count, in the rule's component order, each with its role.
    used: list[tuple[Part, str]] = field(default_factory=list)
    #: Parts that do not count, with the reason.
    excluded: list[tuple[Part, str]] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return bool(self.requirements) and all(r.met for r in self.requirements)

    @property
    def missing(self) -> list[str]:
        return [f"{r.label}: {r.detail}" for r in self.requirements if not r.met]

    @property
    def progress(self) -> tuple[int, int]:
        return sum(r.met for r in self.requirements), len(self.requirements)

    def to_json(self) -> dict[str, Any]:
        done, total = self.progress
        return {
            "met": self.met,
            "progress": {"met": done, "total": total},
            "requirements": [r.to_json() for r in self.requirements],
            "missing": self.missing,
            "used": [dict(p.to_json(), role=role) for p, role in self.used],
            "excluded": [dict(p.to_json(), reason=why) for p, why in self.excluded],
        }


class Phrase(str):
    """An English phrase of an evaluation that also carries a message ``code`` and its ``params``,
    so a page in another language can say the same thing in its own words (the wallet does)."""

    code: str
    params: dict[str, Any]

    def __new__(cls, text: str, code: str, **params: Any) -> Phrase:
        phrase = super().__new__(cls, text)
        phrase.code = code
        phrase.params = params
        return phrase


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def evaluate(
    rule: Mapping[str, Any],
    parts: Iterable[Part],
    *,
    now: datetime,
    holder: str | None = None,
) -> Evaluation:
    """Evaluate a normalised rule over held parts at time ``now``.

    Each component counts once, whatever the number of copies presented (extra copies are
    excluded as duplicates); a part counts only if its achievement **and** issuer match a component,
    it is not ``rejected``, it was issued to ``holder`` (when given and the part names a subject),
    and it was awarded within the rule's validity window.
    """
    components: dict[str, Mapping[str, Any]] = {c["achievement"]: c for c in rule["components"]}
    ordered = sorted(parts, key=lambda p: (p.awarded or "", p.credential_id))
    excluded: list[tuple[Part, str]] = []
    held: dict[str, Part] = {}
    seen_ids: set[str] = set()
    validity = rule.get("validity") or {}
    after = parse_datetime(validity.get("awardedAfter"))
    before = parse_datetime(validity.get("awardedBefore"))
    max_age = validity.get("maxAgeDays")
    for part in ordered:
        comp = components.get(part.achievement or "")
        if part.credential_id in seen_ids:
            excluded.append((part, Phrase("the same credential was presented twice", "presented_twice")))
            continue
        seen_ids.add(part.credential_id)
        if comp is None:
            excluded.append((part, Phrase("not a component of this programme", "not_component")))
            continue
        if part.issuer != comp["issuer"]:
            why = f"issued by {part.issuer}, but the programme accepts it only from {comp['issuer']}"
            excluded.append((part, Phrase(why, "wrong_issuer", issuer=part.issuer, accepted=comp["issuer"])))
            continue
        if part.rejected:
            excluded.append((part, part.rejected))
            continue
        if holder is not None and part.subject is not None and part.subject != holder:
            why = f"issued to {part.subject}, not to {holder}"
            excluded.append((part, Phrase(why, "wrong_subject", subject=part.subject, holder=holder)))
            continue
        awarded = parse_datetime(part.awarded)
        if (after or before or max_age) and awarded is None:
            why = "its award date is unknown, so the validity window cannot be checked"
            excluded.append((part, Phrase(why, "no_award_date")))
            continue
        if awarded is not None:
            if after is not None and awarded < after:
                why = f"awarded {part.awarded}, before {format_datetime(after)}"
                excluded.append(
                    (part, Phrase(why, "too_early", awarded=part.awarded, after=format_datetime(after)))
                )
                continue
            if before is not None and awarded >= before:
                why = f"awarded {part.awarded}, not before {format_datetime(before)}"
                excluded.append(
                    (part, Phrase(why, "too_late", awarded=part.awarded, before=format_datetime(before)))
                )
                continue
            if max_age is not None and awarded < now - timedelta(days=int(max_age)):
                why = f"awarded {part.awarded}, more than {max_age} days ago"
                excluded.append((part, Phrase(why, "too_old", awarded=part.awarded, n=int(max_age))))
                continue
        if part.achievement in held:
            first = held[part.achievement].credential_id
            excluded.append((part, Phrase(f"a duplicate of {first}", "duplicate", first=first)))
            continue
        comp_ects = comp.get("ects")
        if part.ects is None and comp_ects is not None:
            part = replace(part, ects=float(comp_ects))
        assert part.achievement is not None
        held[part.achievement] = part

    requirements: list[Requirement] = []
    roles: dict[str, str] = {}
    for ach in rule.get("mandatory", []):
        name = components[ach]["name"]
        got = held.get(ach)
        requirements.append(
            Requirement(
                f"mandatory:{ach}",
                Phrase(f"Mandatory: {name}", "mandatory", name=name),
                got is not None,
                Phrase("held", "held") if got else Phrase("missing", "missing"),
                (got.credential_id,) if got else (),
            )
        )
        if got:
            roles[ach] = "mandatory"
    for i, group in enumerate(rule.get("electiveGroups", [])):
        each = group.get("minEctsEach")
        mine = [held[a] for a in group["components"] if a in held]
        eligible = [p for p in mine if each is None or (p.ects or 0) >= each]
        count, total = len(eligible), sum(p.ects or 0 for p in eligible)
        details: list[Phrase] = []
        met = True
        if group.get("minCount") is not None:
            need = group["minCount"]
            if each:
                text = f"electives of at least {_number(each)} ECTS {count} of {need}"
                details.append(Phrase(text, "electives_each", count=count, need=need, each=_number(each)))
            else:
                details.append(Phrase(f"electives {count} of {need}", "electives", count=count, need=need))
            met = met and count >= group["minCount"]
        if group.get("minEcts") is not None:
            got_ects, need_ects = _number(total), _number(group["minEcts"])
            text = f"elective ECTS {got_ects} of {need_ects}"
            details.append(Phrase(text, "elective_ects", total=got_ects, need=need_ects))
            met = met and total >= group["minEcts"]
        too_small = [p for p in mine if p not in eligible]
        if too_small and not met:
            listed = ", ".join(f"{p.name} ({_number(p.ects or 0)})" for p in too_small)
            details.append(
                Phrase(f"not counted (under the minimum ECTS): {listed}", "too_small", parts=listed)
            )
        requirements.append(
            Requirement(
                f"electives:{i}",
                group["name"],
                met,
                Phrase("; ".join(details), "joined", parts=details),
                tuple(p.credential_id for p in eligible),
            )
        )
        for p in eligible:
            assert p.achievement is not None
            roles.setdefault(p.achievement, "elective")
    for i, module in enumerate(rule.get("modules", [])):
        mine = [held[a] for a in module["components"] if a in held]
        requirements.append(
            Requirement(
                f"module:{i}",
                Phrase(f"Module: {module['name']}", "module", name=module["name"]),
                len(mine) >= module["minCount"],
                Phrase(
                    f"{len(mine)} of {module['minCount']} "
                    f"{'course' if module['minCount'] == 1 else 'courses'}",
                    "courses",
                    count=len(mine),
                    need=module["minCount"],
                    n=module["minCount"],  # "1 of 2 courses": the noun agrees with the number needed
                ),
                tuple(p.credential_id for p in mine),
            )
        )
        for p in mine:
            assert p.achievement is not None
            roles.setdefault(p.achievement, f"module {module['name']}")
    used = [
        (held[c["achievement"]], roles[c["achievement"]])
        for c in rule["components"]
        if c["achievement"] in roles
    ]
    for part in held.values():
        if part.achievement not in roles:
            why = "held, but it does not count towards any requirement"
            excluded.append((part, Phrase(why, "not_needed")))
    if rule.get("minInstitutions"):
        issuers = sorted({p.issuer for p, _ in used if p.issuer})
        need = rule["minInstitutions"]
        requirements.append(
            Requirement(
                "institutions",
                Phrase("Awarding institutions", "institutions"),
                len(issuers) >= need,
                Phrase(
                    f"{_plural(len(issuers), 'institution')} of {need}",
                    "count_of",
                    count=len(issuers),
                    need=need,
                ),
            )
        )
    if rule.get("minCountries"):
        countries = sorted({p.country for p, _ in used if p.country})
        need = rule["minCountries"]
        listed = f" ({', '.join(countries)})" if countries else ""
        requirements.append(
            Requirement(
                "countries",
                Phrase("Countries", "countries"),
                len(countries) >= need,
                Phrase(
                    _plural(len(countries), "country").replace("countrys", "countries")
                    + f"{listed} of {need}",
                    "countries_of",
                    count=len(countries),
                    need=need,
                    codes=countries,
                ),
            )
        )
    excluded.sort(key=lambda item: (item[0].credential_id, item[1]))
    return Evaluation(requirements, used, excluded)
