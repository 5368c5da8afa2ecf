"""Pathway rules: :func:`normalise_rule` validates one, :func:`describe_rule` says it in words."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from plecak.core.errors import RuleError
from plecak.core.model.datamodel import is_url
from plecak.core.model.vocabulary import ECTS_FRAMEWORK
from plecak.core.timeutil import format_datetime, parse_datetime

__all__ = ["ECTS_FRAMEWORK", "MAX_COMPONENTS", "describe_rule", "normalise_rule"]


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
            problems.append(f"{name} names {ref!r}, which is not one of the pathway's components")
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


# long: one block per rule field, collecting every problem so the registrar sees them all at once
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


_LIMIT_TEXTS = (
    ("rule", "minInstitutions", "components from at least {} institutions"),
    ("rule", "minCountries", "in at least {} countries"),
    ("validity", "awardedAfter", "awarded after {:.10}"),
    ("validity", "awardedBefore", "awarded before {:.10}"),
    ("validity", "maxAgeDays", "awarded within the last {} days"),
)
"""How :func:`describe_rule` words the rule's limits, and the validity's (dates by their day)."""


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
    validity = rule.get("validity") or {}
    for source, key, text in _LIMIT_TEXTS:
        value = (validity if source == "validity" else rule).get(key)
        if value:
            parts.append(text.format(value))
    return "Requires " + "; ".join(parts) + "."

