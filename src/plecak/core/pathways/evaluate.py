"""Evaluating a rule against a learner's parts: which requirements are met, which are missing and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from plecak.core.timeutil import format_datetime, parse_datetime

from .parts import Part
from .rules import _number

__all__ = ["Evaluation", "Phrase", "Requirement", "evaluate"]


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
    held, excluded = _held_parts(rule, components, parts, now=now, holder=holder)
    requirements: list[Requirement] = []
    roles: dict[str, str] = {}
    requirements += _mandatory(rule, components, held, roles)
    requirements += _electives(rule, held, roles)
    requirements += _modules(rule, held, roles)
    used = [
        (held[c["achievement"]], roles[c["achievement"]])
        for c in rule["components"]
        if c["achievement"] in roles
    ]
    for part in held.values():
        if part.achievement not in roles:
            why = "held, but it does not count towards any requirement"
            excluded.append((part, Phrase(why, "not_needed")))
    requirements += _spread(rule, used)
    excluded.sort(key=lambda item: (item[0].credential_id, item[1]))
    return Evaluation(requirements, used, excluded)


def _held_parts(
    rule: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    parts: Iterable[Part],
    *,
    now: datetime,
    holder: str | None,
) -> tuple[dict[str, Part], list[tuple[Part, str]]]:
    """The part that counts for each component (the earliest that qualifies), and the others with why not."""
    # long: one early `continue` per reason a part does not count, in the order a reader checks them
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
            excluded.append((part, Phrase("not a component of this pathway", "not_component")))
            continue
        if part.issuer != comp["issuer"]:
            why = f"issued by {part.issuer}, but the pathway accepts it only from {comp['issuer']}"
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
    return held, excluded



def _mandatory(
    rule: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    held: Mapping[str, Part],
    roles: dict[str, str],
) -> list[Requirement]:
    requirements: list[Requirement] = []
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
    return requirements



def _electives(rule: Mapping[str, Any], held: Mapping[str, Part], roles: dict[str, str]) -> list[Requirement]:
    requirements: list[Requirement] = []
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
    return requirements



def _modules(rule: Mapping[str, Any], held: Mapping[str, Part], roles: dict[str, str]) -> list[Requirement]:
    requirements: list[Requirement] = []
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
    return requirements



def _spread(rule: Mapping[str, Any], used: list[tuple[Part, str]]) -> list[Requirement]:
    """The institutions and countries the counted parts come from."""
    requirements: list[Requirement] = []
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
    return requirements
