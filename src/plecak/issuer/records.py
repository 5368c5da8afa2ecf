"""Records an admin creates and edits through the API: achievements and pathways.

Both work the same way: a new record gets a fresh uuid, an edit loads the record (404 if there is
none) and saves the new input over it with the next version number (:func:`.issued.next_version`).
Subclasses say how a record is loaded, listed and built from the admin's input.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from .issued import found

__all__ = ["EditedRecords"]


class EditedRecords(ABC):
    what: ClassVar[str]
    """The record's name in messages, e.g. ``no pathway {uuid}``."""

    @abstractmethod
    async def load(self, record_uuid: str) -> dict[str, Any] | None: ...

    @abstractmethod
    async def all(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def save(self, record_uuid: str, data: Any, *, existing: dict[str, Any] | None) -> dict[str, Any]:
        """Validate ``data``, build the record (versioned after ``existing``) and store it."""

    async def create(self, data: Any) -> dict[str, Any]:
        return await self.save(str(uuid.uuid4()), data, existing=None)

    async def get(self, record_uuid: str) -> dict[str, Any]:
        return found(await self.load(record_uuid), f"{self.what} {record_uuid}")

    async def update(self, record_uuid: str, data: Any) -> dict[str, Any]:
        return await self.save(record_uuid, data, existing=await self.get(record_uuid))
