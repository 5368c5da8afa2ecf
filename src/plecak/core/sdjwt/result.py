"""The result of verifying an SD-JWT VC presentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plecak.core.verify.credential import VerificationResult

from .common import SD_JWT_VC_TYP

__all__ = ["SdJwtVerificationResult"]


@dataclass
class SdJwtVerificationResult(VerificationResult):
    """The checks, plus what the holder shared and what it withheld."""

    disclosed: dict[str, Any] = field(default_factory=dict)
    undisclosed: list[str] = field(default_factory=list)
    hidden_count: int = 0
    issuer: str | None = None
    vct: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "format": SD_JWT_VC_TYP,
            "issuer": self.issuer,
            "vct": self.vct,
            "disclosed": self.disclosed,
            "undisclosed": self.undisclosed,
            "hiddenCount": self.hidden_count,
        }
