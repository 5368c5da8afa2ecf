"""One verification pipeline for every format: named :class:`Step` objects run in order over a shared
:class:`Context`, each returning the :class:`~plecak.core.verify.checks.Check` it adds (or ``None``).

Credentials (Data Integrity and ``vc+jwt``), presentations (Data Integrity and ``vp+jwt``) and SD-JWT VCs
are lists of steps over it (:mod:`plecak.core.verify.steps` holds the steps they share). The pipeline, not
the steps, applies the rules that tie steps together:

* a failed *structure* step (``role = "structure"``) ends the run: nothing else is checked;
* the check of the *seal* step (``role = "seal"``) is kept as :attr:`Context.seal`; once it failed, each
  later step does what its ``if_unsealed`` says: ``"run"`` anyway (dates), ``"row"`` (a row saying it was
  not checked because the seal failed: trust, status) or ``"skip"`` (nothing to say);
* a step may end the run itself with :meth:`Context.halt`.

Every step is replaceable by name (:meth:`Pipeline.customised`), so a verifier can inject its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from plecak.core.verify.checks import Check, Outcome, not_checked_after_seal

__all__ = ["Context", "Pipeline", "Step", "StepRole", "Unsealed"]

StepRole = Literal["structure", "seal", "check"]
Unsealed = Literal["run", "row", "skip"]


@dataclass
class Context:
    """What the steps of one run share: the document, what earlier steps found, the rows so far."""

    document: Any
    """What was handed in (a credential, presentation, compact JWS or parsed SD-JWT)."""
    subject: Any = None
    """What the later steps check, once a structure step accepted it (e.g. a JWS's decoded credential)."""
    values: dict[str, Any] = field(default_factory=dict)
    """What a step leaves for later ones: ``issuer``, ``signers``, ``presenter``, ``results`` …"""
    checks: list[Check] = field(default_factory=list)
    seal: Check | None = None
    halted: bool = False

    def halt(self) -> None:
        """Run no further step."""
        self.halted = True

    @property
    def seal_failed(self) -> bool:
        return self.seal is not None and self.seal.outcome is Outcome.FAILED

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


class Step(Protocol):
    """One named check. ``role`` and ``if_unsealed`` are optional (default ``"check"`` and ``"run"``)."""

    name: str

    async def run(self, context: Context) -> Check | None: ...


@dataclass(frozen=True)
class Pipeline:
    steps: Sequence[Step]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]

    def customised(self, overrides: Mapping[str, Step] | None) -> Pipeline:
        """This pipeline with the steps named in ``overrides`` replaced; an override whose name is not
        one of the steps is added at the end."""
        if not overrides:
            return self
        steps = [overrides.get(s.name, s) for s in self.steps]
        steps += [s for name, s in overrides.items() if name not in self.names]
        return Pipeline(steps)

    def without(self, *names: str) -> Pipeline:
        return Pipeline([s for s in self.steps if s.name not in names])

    async def run(self, context: Context) -> Context:
        for step in self.steps:
            if context.halted:
                break
            if context.seal_failed:
                unsealed: Unsealed = getattr(step, "if_unsealed", "run")
                if unsealed == "row":
                    context.checks.append(not_checked_after_seal(step.name))
                if unsealed != "run":
                    continue
            check = await step.run(context)
            if check is None:
                continue
            context.checks.append(check)
            role: StepRole = getattr(step, "role", "check")
            if role == "structure" and check.outcome is Outcome.FAILED:
                context.halt()
            elif role == "seal":
                context.seal = check
        return context
