"""The credential's subject: the learner as an Open Badges ``AchievementSubject``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .inputs import _hash_email

__all__ = ["achievement_subject"]


def achievement_subject(
    achievement: Mapping[str, Any], learner: Mapping[str, Any], grade: str | None
) -> dict[str, Any]:
    """The subject of a credential of ``achievement`` for ``learner`` (name in clear, e-mail salted and hashed,
    DID when bound), with the credits available and the ``grade`` when given."""
    subject: dict[str, Any] = {}
    if learner.get("did"):
        subject["id"] = learner["did"]
    subject["type"] = ["AchievementSubject"]
    subject["name"] = learner["name"]
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": learner["name"],
        }
    ]
    email_identity = learner.get("emailIdentity")
    if learner.get("email"):
        digest, salt = _hash_email(str(learner["email"]))
        email_identity = {"identityHash": digest, "salt": salt}
    if isinstance(email_identity, Mapping):
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": email_identity["identityHash"],
                "salt": email_identity["salt"],
            }
        )
    subject["identifier"] = identifiers
    subject["achievement"] = dict(achievement)
    subject["creditsEarned"] = achievement.get("creditsAvailable")
    if grade is not None:
        descriptions = achievement.get("resultDescription") or []
        subject["result"] = [
            {"type": ["Result"], "resultDescription": descriptions[0]["id"], "value": grade}
        ]
    return subject
